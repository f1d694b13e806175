import { comparePositions, EventStore, formatPosition, parsePosition, Position } from '@onehazel/event-store';
import { checkpointPosition, ReadStore } from '@onehazel/read-store';
import { FROM_START, Projector } from './projector';
import { shadowCheckpointOf } from './shadow-rebuild';

/** Where a projection stands against the log, for `projections list`, /metrics and /ready. */
export type ProjectionStatus = Readonly<{
  projection: string;
  /** Its checkpoint: a position, `start` (live, nothing projected yet), or null (unbuilt). */
  checkpoint: string | null;
  /**
   * live; behind (its oldest event not yet projected has waited longer than the bound); rebuilding (a rebuild
   * in the shadow runs for it, or holds it while it swaps); unbuilt (a new projection no process has built yet).
   */
  state: 'live' | 'behind' | 'rebuilding' | 'unbuilt';
  /** The log head's commit position minus its checkpoint's (events on the embedded log; bytes on EventStoreDB). */
  lagPositions: number;
  /** The events after its checkpoint, counted up to the head (when asked for: `countUpTo`), else null. */
  lagEvents: number | null;
  /** How long its oldest event not yet projected has waited (0 when caught up). */
  lagSeconds: number;
  /** A rebuild of it in the shadow: how far that is behind the log, in positions; null when none runs. */
  rebuildLagPositions: number | null;
}>;

export type ProjectionStatusOptions = Readonly<{
  /** Behind once the oldest event not yet projected has waited longer than this (default 0: behind by any event). */
  behindAfterSeconds?: number;
  /** Count the events behind, up to this many (positions are not counts on EventStoreDB); default: no count. */
  countUpTo?: number;
  /** How long each read of the log may take. */
  timeoutMs?: number;
}>;

/** Each projection's status. Reads the checkpoints, the head, and the oldest unprojected event of each distinct checkpoint. */
export async function projectionStatus(
  projector: Projector,
  events: EventStore,
  read: ReadStore,
  options: ProjectionStatusOptions = {},
): Promise<ProjectionStatus[]> {
  const timeoutMs = options.timeoutMs ?? 5_000;
  const [marks, head] = await Promise.all([projector.checkpoints(), events.headPosition()]);
  const shadows = await read.getCheckpoints(marks.map((mark) => shadowCheckpointOf(projector.name, mark.projection)));
  // One look at the log per distinct checkpoint: they are mostly all the same.
  const behind = new Map<string, Promise<{ events: number | null; seconds: number }>>();
  const lookBehind = (position: Position | null) => {
    const key = position === null ? '' : formatPosition(position);
    let found = behind.get(key);
    if (!found) {
      found = oldestAfter(events, position, head, options.countUpTo ?? 0, timeoutMs);
      behind.set(key, found);
    }
    return found;
  };
  return Promise.all(
    marks.map(async (mark) => {
      const shadow = shadows.get(shadowCheckpointOf(projector.name, mark.projection));
      const shadowPosition = shadow === undefined ? undefined : checkpointPosition(shadow);
      const rebuildLagPositions =
        shadowPosition === undefined ? null : head === null ? 0 : Math.max(0, Number(head.commit - (shadowPosition === FROM_START ? 0n : parsePosition(shadowPosition).commit)));
      const lagPositions = head === null ? 0 : Math.max(0, Number(head.commit - (mark.position?.commit ?? 0n)));
      const lag = mark.state === 'unbuilt' ? { events: null, seconds: 0 } : await lookBehind(mark.position);
      const state =
        mark.state === 'held' || rebuildLagPositions !== null
          ? 'rebuilding'
          : mark.state === 'unbuilt'
            ? 'unbuilt'
            : lagPositions > 0 && lag.seconds >= (options.behindAfterSeconds ?? 0)
              ? 'behind'
              : 'live';
      return {
        projection: mark.projection,
        checkpoint: mark.value === null ? null : checkpointPosition(mark.value),
        state,
        lagPositions,
        lagEvents: lag.events,
        lagSeconds: Math.round(lag.seconds * 10) / 10,
        rebuildLagPositions,
      } as const;
    }),
  );
}

/** The age of the oldest event after `position`, and (up to `countUpTo`) how many there are up to the head. */
async function oldestAfter(events: EventStore, position: Position | null, head: Position | null, countUpTo: number, timeoutMs: number) {
  // Only when behind: a subscription from the head would wait for the next event.
  if (head === null || (position !== null && comparePositions(head, position) <= 0)) return { events: countUpTo > 0 ? 0 : null, seconds: 0 };
  let count = 0;
  let seconds = 0;
  for await (const event of events.subscribeToAll({ after: position, signal: AbortSignal.timeout(timeoutMs) })) {
    if (count++ === 0) seconds = Math.max(0, (Date.now() - Date.parse(event.recordedAt)) / 1000);
    if (count >= countUpTo || comparePositions(event.position, head) >= 0) break;
  }
  return { events: countUpTo > 0 ? count : null, seconds };
}
