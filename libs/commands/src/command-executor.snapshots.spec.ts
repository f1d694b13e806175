import { CommandContext, MintChildKey, operatorTokensDecider, operatorTokensStream } from '@onehazel/domain';
import { AppendTooLargeError, InMemoryEventStore, ReadStreamOptions } from '@onehazel/event-store';
import { InMemoryRequestStore } from '@onehazel/request-store';
import { CommandExecutor } from './command-executor';

const at = '2026-05-01T00:00:00.000Z';
const context = (id: string, extra: Partial<CommandContext> = {}): CommandContext => ({
  actor: { kind: 'operator-token', id: 'tok_1' },
  requestId: id,
  correlationId: id,
  causationId: id,
  at,
  ...extra,
});
const stream = operatorTokensStream('op_1');
const mintToken = { type: 'MintOperatorToken', operatorId: 'op_1', tokenId: 'tok_1', tokenHash: 'h', lastFour: 'abcd', label: null, monthlyQuotaSubmissions: 10, childQuotaPct: 100, maxTokens: 10, at } as const;
const mintChild = (keyId: string, maxChildren = 100): MintChildKey => ({
  type: 'MintChildKey',
  operatorId: 'op_1',
  tokenId: 'tok_1',
  keyId,
  agentId: `agent-${keyId}`,
  keyHash: `hash-${keyId}`,
  lastFour: 'wxyz',
  displayName: null,
  maxChildren,
  at,
});

/** An in-memory log that tells which reads were whole and which started after a revision. */
class CountingStore extends InMemoryEventStore {
  reads: (bigint | null)[] = [];
  override async readStream(name: string, options: ReadStreamOptions = {}) {
    this.reads.push(options.fromRevision ?? null);
    return super.readStream(name, options);
  }
}

/** Long streams start from a snapshot kept in the request store, and read only the events after it (here one every 4 events: at revisions 3, 7, 11...). */
describe('CommandExecutor with snapshots', () => {
  let events: CountingStore;
  let snapshots: InMemoryRequestStore;
  let executor: CommandExecutor;

  beforeEach(async () => {
    events = new CountingStore();
    snapshots = new InMemoryRequestStore();
    executor = new CommandExecutor(events, { snapshots, snapshotEvery: 4 });
    await executor.execute(operatorTokensDecider, stream, mintToken, context('mint-token'));
    for (let i = 0; i < 9; i++) await executor.execute(operatorTokensDecider, stream, mintChild(`k${i}`), context(`child-${i}`));
    events.reads = [];
  });

  const whole = () => new CommandExecutor(events).read(operatorTokensDecider, stream);

  it('keeps a snapshot every so many events, and reads only the events after the latest', async () => {
    const kept = await snapshots.loadSnapshot(stream);
    expect(kept).toMatchObject({ stream, revision: 7n });

    const read = await executor.read(operatorTokensDecider, stream);

    expect(events.reads).toEqual([8n]);
    expect(read.recorded.map((event) => event.revision)).toEqual([8n, 9n]);
    expect(read).toMatchObject({ expected: 9n, snapshotRevision: 7n });
    expect(read.state).toEqual((await whole()).state);
  });

  it('decides on the state from the snapshot as on the whole stream: the cap of children holds', async () => {
    await expect(executor.execute(operatorTokensDecider, stream, mintChild('k-over', 9), context('over'))).rejects.toMatchObject({ code: 'MAX_CHILD_KEYS' });
    const cascade = await executor.execute(operatorTokensDecider, stream, { type: 'RevokeOperatorToken', operatorId: 'op_1', tokenId: 'tok_1', cascade: true, at }, context('cascade'));
    expect(cascade.events.filter((event) => event.type === 'ChildKeyRevoked')).toHaveLength(9);
  });

  it('answers a no-op from a snapshot at the head with the position of the stream’s last event', async () => {
    await executor.execute(operatorTokensDecider, stream, mintChild('k9'), context('k9'));
    const revoked = await executor.execute(operatorTokensDecider, stream, { type: 'RevokeChildKey', operatorId: 'op_1', keyId: 'k0', at }, context('revoke'));
    expect((await snapshots.loadSnapshot(stream))!.revision).toBe(11n);
    events.reads = [];

    const again = await executor.execute(operatorTokensDecider, stream, { type: 'RevokeChildKey', operatorId: 'op_1', keyId: 'k0', at }, context('again'));

    expect(events.reads).toEqual([12n]);
    expect([again.events, again.position]).toEqual([[], revoked.position]);
  });

  it('reads a retry whole, so that it finds an earlier attempt older than the snapshot', async () => {
    const commandId = 'cmd-early';
    const first = new CommandExecutor(events, { snapshots, snapshotEvery: 1000 });
    const early = await first.execute(operatorTokensDecider, stream, mintChild('k-early'), context('early', { commandId }));
    for (let i = 0; i < 8; i++) await executor.execute(operatorTokensDecider, stream, mintChild(`later-${i}`), context(`later-${i}`));
    expect((await snapshots.loadSnapshot(stream))!.revision).toBeGreaterThan(early.events.length + 9);
    events.reads = [];

    const retried = await executor.execute(operatorTokensDecider, stream, mintChild('k-early'), context('early-retry', { commandId, retry: true }));

    expect(events.reads).toEqual([null]);
    expect(retried).toMatchObject({ replayed: true, position: early.position });
  });

  it('reads the stream whole when the snapshot is not one it can decode, or cannot be had', async () => {
    await snapshots.saveSnapshot({ stream, revision: 100n, position: '1/1', state: JSON.stringify({ v: 99 }) });
    expect((await executor.read(operatorTokensDecider, stream)).state).toEqual((await whole()).state);
    expect(events.reads[0]).toBeNull();

    const broken = new CommandExecutor(events, {
      snapshots: { loadSnapshot: () => Promise.reject(new Error('down')), saveSnapshot: () => Promise.reject(new Error('down')) },
      snapshotEvery: 1,
    });
    const minted = await broken.execute(operatorTokensDecider, stream, mintChild('k-down'), context('down'));
    expect(minted.events).toHaveLength(1);
  });
});

describe('CommandExecutor and a store’s maximum append size', () => {
  it('answers PAYLOAD_TOO_LARGE, without sending the append again, when the store refuses its size', async () => {
    const events = new InMemoryEventStore();
    const append = jest.spyOn(events, 'append').mockRejectedValue(new AppendTooLargeError(stream, 2_000_000, 1_048_576));

    await expect(new CommandExecutor(events).execute(operatorTokensDecider, stream, mintToken, context('too-large'))).rejects.toMatchObject({
      code: 'PAYLOAD_TOO_LARGE',
      details: { maxBytes: 1_048_576 },
    });
    expect(append).toHaveBeenCalledTimes(1);
  });
});
