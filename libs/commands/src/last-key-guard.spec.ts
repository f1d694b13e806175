import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandContext, keyRingDecider, keyRingStream } from '@onehazel/domain';
import { RecordedEvent, SqliteEventStore } from '@onehazel/event-store';
import { CommandExecutor } from './command-executor';

const context = (id: string): CommandContext => ({
  actor: { kind: 'key', id },
  requestId: id,
  correlationId: id,
  causationId: id,
  at: '2026-04-06T12:00:00.000Z',
});

/** Holds every stream read until `parties` reads are waiting: both racers decide on the same state. */
class BarrierStore extends SqliteEventStore {
  private waiting: (() => void)[] = [];
  parties = 0;
  override async readStream(stream: string): Promise<RecordedEvent[]> {
    const events = await super.readStream(stream);
    if (this.parties > 0) {
      await new Promise<void>((resolve) => {
        this.waiting.push(resolve);
        if (this.waiting.length === this.parties) {
          this.parties = 0;
          this.waiting.splice(0).forEach((release) => release());
        }
      });
    }
    return events;
  }
}

describe('the last-active-key guard under a race', () => {
  it('lets exactly one of two revokes decided on the same state through: the stream revision refuses the other, which re-decides and fails', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'oh-race-'));
    const store = new BarrierStore(join(dir, 'events.db'));
    const executor = new CommandExecutor(store);
    const stream = keyRingStream('op_1');
    for (const keyId of ['k1', 'k2']) {
      await executor.execute(
        keyRingDecider,
        stream,
        { type: 'IssueApiKey', operatorId: 'op_1', keyId, keyHash: `h-${keyId}`, lastFour: '0000', label: null, by: 'operator', at: 'x' },
        context(`issue-${keyId}`),
      );
    }
    store.parties = 2;
    const results = await Promise.allSettled(
      ['k1', 'k2'].map((keyId) =>
        executor.execute(keyRingDecider, stream, { type: 'RevokeApiKey', operatorId: 'op_1', keyId, by: 'operator', at: 'y' }, context(`revoke-${keyId}`)),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(rejected.reason).toMatchObject({ code: 'LAST_ACTIVE_KEY' });
    const revocations = (await store.readStream(stream)).filter((e) => e.type === 'ApiKeyRevoked');
    expect(revocations).toHaveLength(1);
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
});
