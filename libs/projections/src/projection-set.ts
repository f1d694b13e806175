import type { EventStore } from '@onehazel/event-store';
import { CheckpointMovedError, ReadStore } from '@onehazel/read-store';
import type { RequestStore } from '@onehazel/request-store';
import type { Projection } from './projection';
import type { ProjectorLogger } from './projector';
import { rebuildInShadow } from './shadow-rebuild';

/** The record, beside the checkpoints, of which projections the read models were built by. */
const setRecord = (liveName: string): string => `${liveName}#projections`;
const signatureOf = (projections: readonly Projection[]): string => projections.map((projection) => projection.name).join(',');

export type ProjectionSetOptions = Readonly<{
  events: EventStore;
  read: ReadStore;
  /** Its leases: one process at a time rebuilds. */
  requests: Pick<RequestStore, 'claimLease' | 'releaseLease'>;
  projections: readonly Projection[];
  owner: string;
  liveName?: string;
  logger?: ProjectorLogger;
}>;

/**
 * A projection added since the read models were built has no read model yet for the events before it:
 * when the set of projections differs from the one recorded, the read models are rebuilt in the shadow
 * (from the whole log, while the live ones keep serving) and swapped in once caught up, then the new set is
 * recorded. The first start of a store records the set as it is. One process does it (a lease); the others,
 * and the next starts, see the new set. Answers whether it rebuilt.
 */
export async function buildNewProjections(options: ProjectionSetOptions): Promise<boolean> {
  const { read, projections } = options;
  const liveName = options.liveName ?? 'main';
  const signature = signatureOf(projections);
  const recorded = await read.getCheckpoint(setRecord(liveName));
  if (recorded === signature) return false;
  if (recorded === null) {
    // Another process starting at the same time may record it first: the same set, then.
    await read.commit(setRecord(liveName), null, signature, []).catch((error: unknown) => {
      if (!(error instanceof CheckpointMovedError)) throw error;
    });
    return false;
  }
  const lease = `rebuild:${liveName}`;
  const held = await options.requests.claimLease(lease, options.owner, Date.now(), 10 * 60_000);
  if (held.owner !== options.owner) return false;
  try {
    options.logger?.info({ was: recorded, now: signature }, 'the projections changed: rebuilding the read models in the shadow');
    await rebuildInShadow({ events: options.events, read, projections, liveName, logger: options.logger });
    await read.commit(setRecord(liveName), recorded, signature, []);
    options.logger?.info({ projections: signature }, 'the rebuilt read models are live');
    return true;
  } finally {
    await options.requests.releaseLease(lease, options.owner).catch(() => undefined);
  }
}
