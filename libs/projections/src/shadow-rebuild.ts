import { comparePositions, EventStore, parsePosition, Position } from '@onehazel/event-store';
import { CheckpointMovedError, ReadStore } from '@onehazel/read-store';
import type { Projection, ReadModelWriter } from './projection';
import { Projector, ProjectorLogger } from './projector';

/** What a shadow collection is called: the live one's name after this. */
export const SHADOW_PREFIX = 'shadow__';

/** The writer a projection sees in the shadow: the same collections, under their shadow names. */
function shadowWriter(writer: ReadModelWriter): ReadModelWriter {
  return {
    get: (collection, id) => writer.get(SHADOW_PREFIX + collection, id),
    put: (collection, document) => writer.put(SHADOW_PREFIX + collection, document),
    delete: (collection, id) => writer.delete(SHADOW_PREFIX + collection, id),
    patchWhere: (collection, where, set) => writer.patchWhere(SHADOW_PREFIX + collection, where, set),
  };
}

/** The same projection, written into shadow collections (with the same indexes, under the shadow names). */
export function inShadow(projection: Projection): Projection {
  return {
    name: projection.name,
    collections: projection.collections.map((collection) => SHADOW_PREFIX + collection),
    indexes: projection.indexes.map((index) => ({ ...index, collection: SHADOW_PREFIX + index.collection })),
    apply: (event, writer) => projection.apply(event, shadowWriter(writer)),
  };
}

export type ShadowRebuildOptions = Readonly<{
  events: EventStore;
  read: ReadStore;
  projections: readonly Projection[];
  /** The live projector's checkpoint name (default `main`). */
  liveName?: string;
  onProgress?: (position: Position) => void;
  logger?: ProjectorLogger;
}>;

/** How many rounds of catching up with the live writes a rebuild tries before it swaps unconditionally. */
const CATCH_UP_ROUNDS = 20;

/**
 * Rebuilds the read models without taking them away: a second projector replays the whole log into
 * shadow collections (batch by batch, each its own transaction, never one for the whole log), with a
 * checkpoint of its own; then catches up with what was written meanwhile until it has reached the live
 * projector's checkpoint; then the read store swaps the shadow in, in one step (`swapShadow`), and it
 * projects at once whatever the live projector had committed past the shadow just before. The live
 * projector's next commit finds its checkpoint moved and goes on from the stored one. Interrupted before
 * the swap, it leaves the live read models as they were, serving; run again, it starts the shadow afresh.
 */
export async function rebuildInShadow(options: ShadowRebuildOptions): Promise<void> {
  const { events, read, projections } = options;
  const liveName = options.liveName ?? 'main';
  const shadowName = `${liveName}__shadow`;
  if ((await events.headPosition()) === null) return; // an empty log: nothing to rebuild
  const shadow = new Projector(events, read, projections.map(inShadow), { name: shadowName, logger: options.logger });
  await shadow.init();
  await read.reset(shadowName, shadow.collections);
  await shadow.catchUp(undefined, options.onProgress);
  const swap = {
    liveCheckpoint: liveName,
    shadowCheckpoint: shadowName,
    collections: projections.flatMap((projection) => projection.collections.map((live) => ({ live, shadow: SHADOW_PREFIX + live }))),
  };
  // Catch the shadow up with the live checkpoint, then swap only if the live projector has not committed
  // since (compare-and-set on the live checkpoint): the rebuilt read models never go live behind a change
  // that was already acknowledged. Under a steady stream of writes the rounds may all lose the race: then
  // it swaps anyway, and the catch-up below projects what the shadow had not seen, at once.
  let swapped = false;
  for (let round = 0; round < CATCH_UP_ROUNDS && !swapped; round++) {
    const live = await read.getCheckpoint(liveName);
    const reached = await shadow.storedCheckpoint();
    if (live !== null && (reached === null || comparePositions(reached, parsePosition(live)) < 0)) await shadow.catchUp(parsePosition(live), options.onProgress);
    try {
      await read.swapShadow({ ...swap, expectedLive: live });
      swapped = true;
    } catch (error) {
      if (!(error instanceof CheckpointMovedError)) throw error;
    }
  }
  if (!swapped) await read.swapShadow(swap);
  // The live projector may have committed past the shadow's checkpoint just before the swap: those events
  // are projected again into the new read models now, not when the live projector next commits (which, on a
  // quiet log, could wait for the next write). Compare-and-set commits keep this and the live projector apart.
  await new Projector(events, read, projections, { name: liveName, logger: options.logger }).catchUp();
}
