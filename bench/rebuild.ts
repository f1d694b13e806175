/**
 * Projection rebuild speed: every projection of the product replayed over the product's whole log (as
 * `npm run cli` rebuilds it), into a fresh read store, in this process.
 */
import { join } from 'node:path';
import { SqliteEventStore } from '@onehazel/event-store';
import { allProjections, Projector } from '@onehazel/projections';
import { SqliteReadStore } from '@onehazel/read-store';
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
