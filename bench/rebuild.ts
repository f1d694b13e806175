/**
 * Projection rebuild speed: every projection of the product replayed over the product's whole log (as
 * `npm run cli` rebuilds it), into a fresh read store, in this process.
 */
import { join } from 'node:path';
import { SqliteEventStore } from '@onehazel/event-store';
import { allProjections, Projector, rebuildInShadow } from '@onehazel/projections';
import { SqliteReadStore } from '@onehazel/read-store';
import { SqliteRequestStore } from '@onehazel/request-store';
import { progress } from './progress';

export type RebuildFigures = Readonly<{ events: number; seconds: number; eventsPerSecond: number }>;

export async function measureRebuild(eventsFile: string, scratchDir: string): Promise<RebuildFigures> {
  const events = new SqliteEventStore(eventsFile);
  const read = new SqliteReadStore(join(scratchDir, 'rebuild-read.db'));
  try {
    const total = Number((await events.headPosition())?.commit ?? 0n);
    const projector = new Projector(events, read, allProjections);
    await projector.init();
    const bar = progress(`projection rebuild (${total} events)`, total, 'events');
    const started = performance.now();
    await projector.rebuild((position) => bar.update(Number(position.commit)));
    const seconds = (performance.now() - started) / 1000;
    bar.done();
    return { events: total, seconds, eventsPerSecond: total / seconds };
  } finally {
    await read.close();
    await events.close();
  }
}

/**
 * The same rebuild as `npm run cli -- projections rebuild` does it, in the shadow, on the data directory
 * of a product server that keeps serving meanwhile (`serve` runs the load against it until the rebuild has
 * ended, which it is given); the rebuild's own figures, the longest any projection stayed held (no command
 * acknowledged meanwhile), and whatever `serve` measured.
 */
export async function measureRebuildWhileServing<T>(dataDir: string, serve: (rebuilt: Promise<unknown>) => Promise<T>): Promise<RebuildFigures & { heldMs: number; served: T }> {
  const events = new SqliteEventStore(join(dataDir, 'events.db'));
  const read = new SqliteReadStore(join(dataDir, 'read.db'));
  const requests = new SqliteRequestStore(join(dataDir, 'requests.db'));
  try {
    const total = Number((await events.headPosition())?.commit ?? 0n);
    const bar = progress(`rebuild in the shadow while serving (${total} events)`, total, 'events');
    let heldMs = 0;
    const started = performance.now();
    const rebuilt = rebuildInShadow({
      events,
      read,
      requests,
      owner: 'bench',
      projections: allProjections,
      onProgress: (position) => bar.update(Math.min(total, Number(position.commit))),
      onLive: (_, held) => (heldMs = Math.max(heldMs, held)),
    }).then(() => (performance.now() - started) / 1000);
    const [seconds, served] = await Promise.all([rebuilt, serve(rebuilt)]);
    bar.done(`${Math.round(total / seconds)} events/s, held at most ${heldMs} ms`);
    return { events: total, seconds, eventsPerSecond: total / seconds, heldMs, served };
  } finally {
    await requests.close();
    await read.close();
    await events.close();
  }
}
