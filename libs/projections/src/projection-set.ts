import type { EventStore } from '@onehazel/event-store';
import type { ReadStore } from '@onehazel/read-store';
import type { RequestStore } from '@onehazel/request-store';
import type { Projection } from './projection';
import { Projector, ProjectorLogger } from './projector';
import { rebuildInShadow, RebuildRunningError } from './shadow-rebuild';

export type ProjectionSetOptions = Readonly<{
  events: EventStore;
  read: ReadStore;
  /** Its leases: one process at a time rebuilds. */
  requests: Pick<RequestStore, 'claimLease' | 'releaseLease'>;
  projections: readonly Projection[];
  owner: string;
  liveName?: string;
  logger?: ProjectorLogger;
  /** Stops waiting for another process's rebuild, and stops this one's. */
  signal?: AbortSignal;
  /** How long to wait before trying again while another process rebuilds (default 5 s). */
  retryMs?: number;
}>;

/**
 * A projection added since the read models were built has no checkpoint: it is built in the shadow, from
 * the whole log, while the others keep serving, and goes live when caught up (rebuildInShadow, without a
 * hold). Until then its read model is empty, and read-your-writes does not wait for it. On a store where no
 * projection has a checkpoint yet, the live projector builds them all in place instead. While another
 * process rebuilds, it waits and tries again (that process may be building the same ones). Answers whether
 * it built any.
 */
export async function buildNewProjections(options: ProjectionSetOptions): Promise<boolean> {
  const live = new Projector(options.events, options.read, options.projections, { name: options.liveName });
  for (;;) {
    const marks = await live.checkpoints();
    const unbuilt = marks.filter((mark) => mark.state === 'unbuilt').map((mark) => mark.projection);
    if (unbuilt.length === 0 || unbuilt.length === marks.length) return false;
    try {
      options.logger?.info({ projections: unbuilt }, 'new projections: building their read models in the shadow');
      await rebuildInShadow({ ...options, only: unbuilt });
      return true;
    } catch (error) {
      if (!(error instanceof RebuildRunningError)) throw error;
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, options.retryMs ?? 5_000);
      options.signal?.addEventListener('abort', () => {
        clearTimeout(timer);
        resolve();
      }, { once: true });
    });
    options.signal?.throwIfAborted();
  }
}
