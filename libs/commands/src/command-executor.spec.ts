import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandContext, operatorDecider, operatorStream } from '@onehazel/domain';
import { ExpectedRevision, InMemoryEventStore, NewEvent, SqliteEventStore } from '@onehazel/event-store';
import { CommandExecutor } from './command-executor';

const context = (id: string): CommandContext => ({
  actor: { kind: 'platform', id: 'plt_a' },
  requestId: id,
  correlationId: id,
  causationId: id,
  at: '2026-04-06T12:00:00.000Z',
});
const profile = { name: 'Op', plan: 'starter' as const, contactEmail: 'op@example.com', industry: null };

/** An event store that lets another writer in just before each of the first `interleave` appends. */
class RacingStore extends SqliteEventStore {
  interleave = 0;
  intruder: (() => Promise<unknown>) | null = null;
  override async append(stream: string, events: readonly NewEvent[], expected: ExpectedRevision) {
    if (this.interleave > 0 && this.intruder) {
      this.interleave -= 1;
      await this.intruder();
    }
    return super.append(stream, events, expected);
  }
}

/** Another process renames the operator, through its own connection to the same file. */
async function rename(dir: string, operatorId: string, name: string): Promise<void> {
  const other = new SqliteEventStore(join(dir, 'events.db'));
  await new CommandExecutor(other).execute(
    operatorDecider,
    operatorStream(operatorId),
    { type: 'UpdateOperator', operatorId, platformId: 'plt_a', changes: { name }, at: 'y' },
    context(`rename-${name}`),
  );
  await other.close();
}

describe('CommandExecutor', () => {
  let dir: string;
  let store: RacingStore;
  let executor: CommandExecutor;
  const operatorId = 'op_0000000000000001';
  const stream = operatorStream(operatorId);

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'oh-exec-'));
    store = new RacingStore(join(dir, 'events.db'));
    executor = new CommandExecutor(store);
    await executor.execute(operatorDecider, stream, { type: 'CreateOperator', operatorId, platformId: 'plt_a', profile, at: 'x' }, context('create'));
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stamps every event with the metadata of DESIGN.md §5', async () => {
    const [created] = await store.readStream(stream);
    expect(created!.metadata).toEqual({
      schemaVersion: 2,
      actor: { kind: 'platform', id: 'plt_a' },
      requestId: 'create',
      correlationId: 'create',
      causationId: 'create',
      at: '2026-04-06T12:00:00.000Z',
    });
  });

  it('re-decides on the new state when another writer got in first, so neither change is lost', async () => {
    store.interleave = 1;
    store.intruder = () => rename(dir, operatorId, 'Renamed');
    await executor.execute(operatorDecider, stream, { type: 'SuspendOperator', operatorId, platformId: 'plt_a', at: 'z' }, context('suspend'));
    expect((await store.readStream(stream)).map((e) => e.type)).toEqual(['OperatorCreated', 'OperatorUpdated', 'OperatorSuspended']);
  });

  it('decides on the state the caller read without reading the stream again, and re-reads once that state is stale', async () => {
    const reads = jest.spyOn(store, 'readStream');
    const fresh = await executor.read(operatorDecider, stream);
    reads.mockClear();
    await executor.execute(operatorDecider, stream, { type: 'UpdateOperator', operatorId, platformId: 'plt_a', changes: { name: 'A' }, at: 'z' }, context('a'), fresh);
    expect(reads).not.toHaveBeenCalled();

    const stale = await executor.read(operatorDecider, stream);
    await rename(dir, operatorId, 'Renamed'); // the stream moves on after the caller looked
    reads.mockClear();
    await executor.execute(operatorDecider, stream, { type: 'SuspendOperator', operatorId, platformId: 'plt_a', at: 'z' }, context('suspend'), stale);
    expect(reads).toHaveBeenCalledTimes(1);
    expect((await store.readStream(stream)).map((e) => e.type)).toEqual(['OperatorCreated', 'OperatorUpdated', 'OperatorUpdated', 'OperatorSuspended']);
  });

  it('answers CONFLICT after losing the race three times, having appended nothing of its own', async () => {
    let n = 0;
    store.interleave = 3;
    store.intruder = () => rename(dir, operatorId, `Name ${++n}`);
    await expect(
      executor.execute(operatorDecider, stream, { type: 'SuspendOperator', operatorId, platformId: 'plt_a', at: 'z' }, context('suspend')),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
    expect((await store.readStream(stream)).map((e) => e.type)).not.toContain('OperatorSuspended');
  });

  it('appends nothing for a command that changes nothing, and answers where the stream stands', async () => {
    const [created] = await store.readStream(stream);
    const result = await executor.execute(
      operatorDecider,
      stream,
      { type: 'UpdateOperator', operatorId, platformId: 'plt_a', changes: { name: 'Op' }, at: 'y' },
      context('noop'),
    );
    expect(result.position).toEqual(created!.position);
    expect(await store.readStream(stream)).toHaveLength(1);
  });

  it('resends an append whose answer was lost, and the store recognises it instead of doubling it', async () => {
    let lost = 1;
    const original = store.append.bind(store);
    store.append = async (...args) => {
      const result = await original(...args);
      if (lost-- > 0) throw new Error('connection reset after the write');
      return result;
    };
    const result = await executor.execute(
      operatorDecider,
      stream,
      { type: 'SuspendOperator', operatorId, platformId: 'plt_a', at: 'z' },
      context('lossy'),
    );
    const events = await store.readStream(stream);
    expect(events.map((e) => e.type)).toEqual(['OperatorCreated', 'OperatorSuspended']);
    expect(result.position).toEqual(events[1]!.position);
  });

  it('gives two executions with the same request id different event ids', async () => {
    const same = context('client-chosen-id');
    await executor.execute(operatorDecider, stream, { type: 'UpdateOperator', operatorId, platformId: 'plt_a', changes: { plan: 'enterprise' }, at: 'y' }, same);
    await executor.execute(operatorDecider, stream, { type: 'SuspendOperator', operatorId, platformId: 'plt_a', at: 'z' }, same);
    const events = await store.readStream(stream);
    expect(events.map((e) => e.type)).toEqual(['OperatorCreated', 'OperatorUpdated', 'OperatorSuspended']);
    expect(new Set(events.map((e) => e.id)).size).toBe(3);
  });

  describe('a command with a commandId (an idempotent request), attempted again after it got through', () => {
    const rename = (name: string, at: string) => ({ type: 'UpdateOperator' as const, operatorId, platformId: 'plt_a', changes: { name }, at });
    const attempt = (id: string, commandId: string, retry = false): CommandContext => ({ ...context(id), commandId, retry });

    it('records it once and answers the first attempt\'s outcome, even after other changes', async () => {
      const first = await executor.execute(operatorDecider, stream, rename('Alpha', 't1'), attempt('req-1', 'cmd-1'));
      await executor.execute(operatorDecider, stream, rename('Beta', 't2'), context('other'));
      // The retry is decided at another time by another request: only its commandId is the same.
      const retry = await executor.execute(operatorDecider, stream, rename('Alpha', 't3'), attempt('req-2', 'cmd-1', true));

      const events = await store.readStream(stream);
      expect(events.map((e) => [e.type, (e.data.changes as { name?: string } | undefined)?.name ?? null])).toEqual([
        ['OperatorCreated', null],
        ['OperatorUpdated', 'Alpha'],
        ['OperatorUpdated', 'Beta'],
      ]);
      expect(first.replayed).toBe(false);
      expect(retry.replayed).toBe(true);
      expect(retry.events).toEqual(first.events);
      expect(retry.position).toEqual(first.position);
      expect(retry.state).toEqual(first.state);
      expect(events[1]!.metadata).not.toHaveProperty('commandId');
    });

    it('appends events decided elsewhere once, and answers what the first attempt appended', async () => {
      const activity = `activity-${operatorId}`;
      const decided = (at: string) => [{ type: 'Noted', data: { at } }];
      const lookups = jest.spyOn(store, 'readEventsById');
      const first = await executor.appendDecided(activity, decided('t1'), attempt('req-1', 'cmd-2'));
      // A first attempt has nothing earlier to look for: it reads nothing more than it appends.
      expect(lookups).not.toHaveBeenCalled();
      const retry = await executor.appendDecided(activity, decided('t2'), attempt('req-2', 'cmd-2', true));
      expect(lookups).toHaveBeenCalledTimes(1);
      const other = await executor.appendDecided(activity, decided('t3'), attempt('req-3', 'cmd-3'));

      expect((await store.readStream(activity)).map((e) => e.data.at)).toEqual(['t1', 't3']);
      expect([first.replayed, retry.replayed, other.replayed]).toEqual([false, true, false]);
      expect(retry.events).toEqual(decided('t1'));
      expect(retry.position).toEqual(first.position);
    });
  });

  describe('events decided elsewhere, on a store that recognises a resent append only at an expected revision (EventStoreDB)', () => {
    const activity = 'activity-e1';
    const noted = (at: string) => [{ type: 'Noted', data: { at } }];
    let strict: InMemoryEventStore;
    let strictExecutor: CommandExecutor;
    beforeEach(() => {
      strict = new InMemoryEventStore({ idempotentWithAnyRevision: false });
      strictExecutor = new CommandExecutor(strict);
    });

    it("appends at the stream's revision, never at 'any'", async () => {
      const appends = jest.spyOn(strict, 'append');
      await strictExecutor.appendDecided(activity, noted('t1'), context('r1'));
      await strictExecutor.appendDecided(activity, noted('t2'), context('r2'));

      expect(appends.mock.calls.map(([, , expected]) => expected)).toEqual(['no_stream', 0n]);
    });

    it('appends on top, once, when another writer appended between the read of the revision and the append', async () => {
      const read = strict.streamRevision.bind(strict);
      let intruded = false;
      jest.spyOn(strict, 'streamRevision').mockImplementation(async (stream) => {
        const revision = await read(stream);
        if (!intruded) {
          intruded = true;
          await new CommandExecutor(strict).appendDecided(activity, noted('other'), context('r-other'));
        }
        return revision;
      });

      await strictExecutor.appendDecided(activity, noted('mine'), context('r-mine'));

      expect((await strict.readStream(activity)).map((event) => event.data.at)).toEqual(['other', 'mine']);
    });

    it('keeps the embedded stores at expected revision any, where event ids alone are unique', async () => {
      const appends = jest.spyOn(store, 'append');
      await executor.appendDecided(activity, noted('t1'), context('r1'));

      expect(appends.mock.calls.map(([, , expected]) => expected)).toEqual(['any']);
    });
  });
});
