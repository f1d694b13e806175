import { comparePositions, EventStore, Position } from '@onehazel/event-store';
import { checkpointPosition, CheckpointMovedError, holdOf, ReadStore, ShadowCheckpointSwap } from '@onehazel/read-store';
import type { RequestStore } from '@onehazel/request-store';
import { randomUUID } from 'node:crypto';
import { Projection, ReadModelWriter, withDependencies } from './projection';
import { FROM_START, positionOf, ProjectionCheckpoint, Projector, ProjectorLogger } from './projector';

/** The checkpoint of a projection's rebuild in the shadow, beside the live projector `liveName`. */
export function shadowCheckpointOf(liveName: string, projection: string): string {
  return `${liveName}__shadow/${projection}`;
}

/** What a shadow collection is called: the live one's name after this. */
export const SHADOW_PREFIX = 'shadow__';

/**
 * The writer a projection sees in the shadow: the rebuilt collections (`shadowed`: its own, and those of the
 * projections rebuilt with it) under their shadow names; any other (a key's uses, written apart) as it is.
 */
function shadowWriter(writer: ReadModelWriter, shadowed: ReadonlySet<string>): ReadModelWriter {
  const name = (collection: string): string => (shadowed.has(collection) ? SHADOW_PREFIX + collection : collection);
  return {
    get: (collection, id) => writer.get(name(collection), id),
    put: (collection, document) => writer.put(name(collection), document),
    delete: (collection, id) => writer.delete(name(collection), id),
    patchWhere: (collection, where, set) => writer.patchWhere(name(collection), where, set),
  };
}

/**
 * The same projection, written into shadow collections (with the same indexes, under the shadow names);
 * `shadowed` names every collection rebuilt in the same shadow (default: its own).
 */
export function inShadow(projection: Projection, shadowed: ReadonlySet<string> = new Set(projection.collections)): Projection {
  return {
    name: projection.name,
    collections: projection.collections.map((collection) => SHADOW_PREFIX + collection),
    indexes: projection.indexes.map((index) => ({ ...index, collection: SHADOW_PREFIX + index.collection })),
    apply: (event, writer) => projection.apply(event, shadowWriter(writer, shadowed)),
  };
}

export type ShadowRebuildOptions = Readonly<{
  events: EventStore;
  read: ReadStore;
  /** Every projection the live projector runs. */
  projections: readonly Projection[];
  /** The names of those to rebuild (default: all). */
  only?: readonly string[];
  /** Its leases: one rebuild at a time on the same stores. */
  requests: Pick<RequestStore, 'claimLease' | 'releaseLease'>;
  /** This process (see ProcessIdentity): the lease's and the holds' owner. */
  owner: string;
  /** The live projector's name (default `main`). */
  liveName?: string;
  /** How long a hold lasts if this process dies while it holds it (default 10 s). */
  holdMs?: number;
  /** Stops the rebuild; the live read models are left as they were, serving. */
  signal?: AbortSignal;
  onProgress?: (position: Position) => void;
  /** Told when the shadow has caught up and the projections are held for the swap (again after a lapsed hold). */
  onHold?: (projections: readonly string[]) => void;
  /** Told as each rebuilt projection goes live (its swap done), with how long it was held (no command acknowledged). */
  onLive?: (projection: string, heldMs: number) => void;
  logger?: ProjectorLogger;
}>;

/** Another process is rebuilding on the same stores. */
export class RebuildRunningError extends Error {
  constructor(readonly owner: string) {
    super(`another rebuild is running (${owner}); try again once it has finished`);
    this.name = 'RebuildRunningError';
  }
}

const LEASE_TTL_MS = 60_000;
/** How many times a rebuild holds its projections again after a hold lapsed before it swapped. */
const HOLD_ROUNDS = 5;
/** Before it holds: catch-ups of the shadow to the live checkpoints, until one takes less than CLOSE_ENOUGH_MS. */
const CLOSE_IN_STEPS = 10;
const CLOSE_ENOUGH_MS = 200;

/**
 * Rebuilds read models without taking them away: a second projector replays the whole log into shadow
 * collections (batch by batch, each its own transaction, never one for the whole log), with checkpoints of
 * its own (`<live>__shadow/<projection>`), and catches up with the live writes. Then it holds the rebuilt
 * projections' live checkpoints (holdCheckpoint: the live projector's next commit finds them moved and
 * leaves those projections alone, and read-your-writes waits for them), catches the shadow up to the held
 * positions, and swaps the shadow in, compare-and-set on the holds (`swapShadow`): each group of projections
 * that read one another's collections in one step. The rebuilt read models go live at or past every change
 * that was acknowledged, and the live projector goes on from the rebuilt checkpoints. A hold lapses after
 * `holdMs` if this process dies while holding (or is too slow); the swap then fails, and the group is held
 * and swapped again.
 *
 * Interrupted before the swap, it leaves the live read models as they were, serving; run again, it starts
 * the shadow afresh. A new projection (no checkpoint) is built the same way; having no hold of its own, it
 * goes live while a built one is held, and only if that hold still stands.
 */
export async function rebuildInShadow(options: ShadowRebuildOptions): Promise<void> {
  const { events, read, projections, owner } = options;
  const liveName = options.liveName ?? 'main';
  const selected = selectProjections(projections, options.only);
  const lease = `rebuild:${liveName}`;
  // Stopped by the caller, or by losing the lease (another rebuild took it over): nothing is held or swapped after.
  const lost = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, lost.signal]) : lost.signal;
  const claim = async (): Promise<void> => {
    const held = await options.requests.claimLease(lease, owner, Date.now(), LEASE_TTL_MS);
    if (held.owner === owner) return;
    const error = new RebuildRunningError(held.owner);
    if (claimed) lost.abort(error); // taken over while it ran: the shadow is the other rebuild's now
    throw error;
  };
  let claimed = false;
  await claim();
  claimed = true;
  const renewer = setInterval(() => {
    claim().catch(() => undefined); // another owner aborts `lost` (see claim); a store error is tried again at the next renewal
  }, LEASE_TTL_MS / 3);
  const live = new Projector(events, read, projections, { name: liveName, logger: options.logger });
  const shadow = new Projector(events, read, selected.map((projection) => inShadow(projection, new Set(selected.flatMap((one) => one.collections)))), {
    name: `${liveName}__shadow`,
    logger: options.logger,
  });
  const holds = new Map<string, string>(); // live checkpoint -> the hold stored on it, until swapped or given back
  let remaining = selected.map((projection) => projection.name);
  try {
    const before = await live.checkpoints(); // first: the log is then empty as of these too
    if ((await events.headPosition()) === null) {
      // An empty log: a new projection is live at once, with nothing to project; unless a command was
      // recorded and projected into a built one meanwhile (compared): then it is built as below.
      const unbuilt = before.filter((mark) => mark.state === 'unbuilt' && remaining.includes(mark.projection));
      const built = before.filter((mark) => mark.state !== 'unbuilt');
      try {
        await read.commitAll([
          ...unbuilt.map((mark) => ({ name: mark.checkpoint, expected: null, next: FROM_START })),
          ...built.map((mark) => ({ name: mark.checkpoint, expected: mark.value })),
        ], []);
        return;
      } catch (error) {
        if (!(error instanceof CheckpointMovedError)) throw error;
      }
    }
    await shadow.init();
    for (const projection of selected) await read.reset(shadow.checkpointOf(projection.name), inShadow(projection).collections);
    await read.commitAll(selected.map((projection) => ({ name: shadow.checkpointOf(projection.name), expected: null, next: FROM_START })), []);
    await shadow.catchUp(undefined, options.onProgress, signal);
    for (let round = 0; remaining.length > 0; round++) {
      if (round === HOLD_ROUNDS) throw new Error(`the holds on ${remaining.join(', ')} lapsed ${HOLD_ROUNDS} times before the swap; is the store this slow?`);
      if (round > 0) await claim(); // a swap refused because another rebuild took over: its shadow is not to be touched
      // Nearer the live checkpoints first, so that the holds below are short (no command is acknowledged
      // while they stand): under a steady write load each catch-up covers what was written during the one
      // before, so it closes in until one is quick.
      let all = await live.checkpoints();
      for (let step = 0; step < CLOSE_IN_STEPS; step++) {
        const started = Date.now();
        await shadow.catchUp(latest(all.map((mark) => mark.position)), options.onProgress, signal);
        all = await live.checkpoints();
        if (Date.now() - started < CLOSE_ENOUGH_MS) break;
      }
      const marks = all.filter((mark) => remaining.includes(mark.projection));
      const groups = groupsOf(selected, marks);
      // A group all new holds nothing of its own: it goes live first, while a built one is held (one rebuilt
      // in this round, else another: read-your-writes waits for it), compared unchanged by its swap, so that it
      // never goes live behind a command acknowledged meanwhile.
      const fresh = groups.filter((group) => group.every(({ mark }) => mark.state === 'unbuilt'));
      const cap = marks.every((mark) => mark.state === 'unbuilt') ? all.find((mark) => mark.state !== 'unbuilt' && !remaining.includes(mark.projection)) : undefined;
      await claim();
      signal.throwIfAborted();
      const heldAt = Date.now();
      const until = heldAt + (options.holdMs ?? 10_000);
      for (const mark of cap ? [...marks, cap] : marks) {
        const held = mark.state === 'unbuilt' ? null : await read.holdCheckpoint(mark.checkpoint, owner, until);
        if (held !== null) holds.set(mark.checkpoint, held);
      }
      options.onHold?.(marks.map((mark) => mark.projection));
      const target = latest([...holds.values()].map(positionOf));
      await shadow.catchUp(target, options.onProgress, signal);
      for (const group of [...fresh, ...groups.filter((group) => !fresh.includes(group))]) {
        const unchanged = fresh.includes(group) ? [...holds].map(([name, value]) => ({ name, value })) : [];
        await claim(); // still this rebuild's shadow (the swap compares it too: expectedShadow)
        signal.throwIfAborted();
        const checkpoints = await tagged(read, group, shadow, holds, target);
        try {
          await read.swapShadow({ checkpoints, collections: group.flatMap(({ projection }) => collectionsOf(projection)), unchanged });
        } catch (error) {
          if (!(error instanceof CheckpointMovedError)) throw error;
          continue; // a hold lapsed and the live projector took it back: the whole group is held again next round
        }
        for (const { mark, projection } of group) {
          holds.delete(mark.checkpoint);
          remaining = remaining.filter((name) => name !== projection.name);
          options.onLive?.(projection.name, Date.now() - heldAt);
          options.logger?.info({ projection: projection.name, heldMs: Date.now() - heldAt }, 'the rebuilt read model is live');
        }
      }
      if (cap) await giveBack(read, holds, [cap.checkpoint]);
    }
  } finally {
    clearInterval(renewer);
    // Not swapped (an error, an interrupt): the live projector takes its projections back at once, and the
    // shadow's leftovers go (the next rebuild starts afresh anyway).
    await giveBack(read, holds, [...holds.keys()]);
    // Not when the lease was lost (asked again now: it may have lapsed since the last renewal): the shadow
    // is then another rebuild's.
    const mine = !lost.signal.aborted && (await claim().then(() => true, () => false));
    for (const projection of mine ? selected.filter((one) => remaining.includes(one.name)) : []) {
      await read.reset(shadow.checkpointOf(projection.name), inShadow(projection).collections).catch(() => undefined);
    }
    await options.requests.releaseLease(lease, owner).catch(() => undefined);
  }
  // The live projector goes on from the rebuilt checkpoints at its next commit. What it had projected into
  // the others past a held position is projected into the rebuilt ones now: the commands that wait for it
  // need not wait for the next write. Compare-and-set commits keep this and the live projector apart.
  await live.catchUp(undefined, undefined, options.signal);
}

type Member = Readonly<{ mark: ProjectionCheckpoint; projection: Projection }>;

/**
 * The projections to swap, in groups that go live together, in one swap: those that read one another's
 * collections (see Projection.reads). A companion swapped apart would go on, in the next round, reading a
 * shadow its partner's swap has emptied.
 */
function groupsOf(selected: readonly Projection[], marks: readonly ProjectionCheckpoint[]): Member[][] {
  const members = marks.map((mark) => ({ mark, projection: selected.find((one) => one.name === mark.projection)! }));
  const groups: Member[][] = [];
  for (const member of members) {
    if (groups.some((group) => group.includes(member))) continue;
    const together = new Set(withDependencies(selected, [member.projection.name]));
    groups.push(members.filter((one) => together.has(one.projection)));
  }
  return groups;
}

/**
 * The group's checkpoints for its swap, each shadow checkpoint first moved to a value the live checkpoint
 * never had: a commit the live projector staged before the hold, expecting the same position, must not land
 * on the rebuilt read model (checkpointPosition drops the tag). The swap expects that value, so that it
 * swaps in this rebuild's shadow and no other. A shadow behind the held position (`target`) is refused.
 */
async function tagged(read: ReadStore, group: readonly Member[], shadow: Projector, holds: ReadonlyMap<string, string>, target: Position | null): Promise<ShadowCheckpointSwap[]> {
  const swaps: ShadowCheckpointSwap[] = [];
  for (const { mark, projection } of group) {
    const shadowCheckpoint = shadow.checkpointOf(projection.name);
    const reached = await read.getCheckpoint(shadowCheckpoint);
    const position = reached === null ? undefined : positionOf(reached);
    if (position === undefined || (target !== null && (position === null || comparePositions(position, target) < 0))) {
      throw new Error(`the shadow of ${projection.name} is not where this rebuild caught it up to (${reached ?? 'none'}): was it reset by another rebuild?`);
    }
    const expectedShadow = `${checkpointPosition(reached!)}#${randomUUID().slice(0, 8)}`;
    await read.commitAll([{ name: shadowCheckpoint, expected: reached, next: expectedShadow }], []);
    swaps.push({ live: mark.checkpoint, shadow: shadowCheckpoint, expectedLive: holds.get(mark.checkpoint) ?? null, expectedShadow });
  }
  return swaps;
}

function collectionsOf(projection: Projection): { live: string; shadow: string }[] {
  return projection.collections.map((collection) => ({ live: collection, shadow: SHADOW_PREFIX + collection }));
}

/** Gives holds back: each checkpoint from its hold to the held position (compare-and-set; a lapsed one is left). */
async function giveBack(read: ReadStore, holds: Map<string, string>, checkpoints: readonly string[]): Promise<void> {
  for (const checkpoint of checkpoints) {
    const held = holds.get(checkpoint);
    if (held === undefined) continue;
    holds.delete(checkpoint);
    await read.commitAll([{ name: checkpoint, expected: held, next: holdOf(held)!.position }], []).catch(() => undefined);
  }
}

/**
 * The projections named (all when `only` is not given) and those that go with them, or an error naming
 * those that do not exist, or that none is.
 */
export function selectProjections(projections: readonly Projection[], only: readonly string[] | undefined): readonly Projection[] {
  if (only === undefined) return projections;
  if (only.length === 0) throw new Error('no projection named');
  const unknown = only.filter((name) => !projections.some((projection) => projection.name === name));
  if (unknown.length > 0) throw new Error(`no projection ${unknown.join(', ')}; there are: ${projections.map((projection) => projection.name).join(', ')}`);
  // With those they read, or that read them: rebuilt, held and swapped together (see Projection.reads).
  return withDependencies(projections, only);
}


/** The latest of these positions, or null when there is none past the beginning. */
function latest(positions: readonly (Position | null)[]): Position | null {
  return positions.reduce<Position | null>((found, position) => (position !== null && (found === null || comparePositions(position, found) > 0) ? position : found), null);
}
