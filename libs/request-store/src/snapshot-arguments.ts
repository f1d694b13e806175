import { MAX_SNAPSHOT_REVISION, type StreamSnapshot } from './request-store.port';

/** What every adapter refuses before keeping a snapshot, so that they all refuse alike. */
export function assertSnapshot(snapshot: StreamSnapshot): void {
  const { stream, revision, position, state } = snapshot;
  if (typeof stream !== 'string' || stream.length === 0) throw new RangeError('a snapshot needs a stream');
  if (typeof revision !== 'bigint' || revision < 0n || revision > MAX_SNAPSHOT_REVISION) {
    throw new RangeError(`the snapshot of ${JSON.stringify(stream)} is not at a revision from 0 to 2^63 - 1`);
  }
  if (typeof position !== 'string') throw new RangeError(`the snapshot of ${JSON.stringify(stream)} has no position`);
  if (typeof state !== 'string') throw new RangeError(`the snapshot of ${JSON.stringify(stream)} has no state`);
}
