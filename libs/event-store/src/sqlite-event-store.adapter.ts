import type Database from 'better-sqlite3';
import { join } from 'node:path';
import { openSqlite, SqliteWriter, WriteError } from '@onehazel/storage';
import { EventEmitter } from 'node:events';
import {
  AppendResult,
  EventStore,
  ExpectedRevision,
  NewEvent,
  Position,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeOptions,
  WrongExpectedRevisionError,
  fromRevisionOf,
} from './event-store.port';
import { at, EventRow, EVENTS_SCHEMA } from './sqlite-event-log.program';

/** The largest revision SQLite's INTEGER holds: a read from past it reads nothing. */
const MAX_REVISION = 2n ** 63n - 1n;

export type SqliteEventStoreOptions = Readonly<{
  /** How often a waiting subscription looks for events appended by other processes. */
  pollIntervalMs?: number;
  /** Events read per query by a subscription. */
  batchSize?: number;
}>;

/** The revision check's error, as it comes back from the writer thread. */
function fromWriter(error: unknown): unknown {
  const described = error as WriteError;
  if (described?.name !== 'WrongExpectedRevisionError') return error;
  return new WrongExpectedRevisionError(
    described.stream as string,
    described.expected as ExpectedRevision,
    described.actual as bigint | 'no_stream',
  );
}

/**
 * The embedded event store: one SQLite file in WAL mode with synchronous=FULL, so that an append that
 * returned survives a crash or a power loss. Appends are group-committed on a writer thread (SqliteWriter:
 * one transaction and one fsync per batch, off the event loop), in IMMEDIATE transactions serialised
 * across every process that opens the same file (the API, the projector, the CLI). Reads are on this
 * thread's own connection, which sees a batch once it is committed.
 */
export class SqliteEventStore implements EventStore {
  private readonly db: Database.Database;
  private readonly writer: SqliteWriter;
  private readonly appended = new EventEmitter();
  private readonly pollIntervalMs: number;
  private readonly batchSize: number;
  private readonly statements;
  private closed = false;

  constructor(file: string, options: SqliteEventStoreOptions = {}) {
    this.pollIntervalMs = options.pollIntervalMs ?? 50;
    this.batchSize = options.batchSize ?? 1000;
    this.db = openSqlite(file);
    this.db.exec(EVENTS_SCHEMA);
    this.appended.setMaxListeners(0);
    this.statements = {
      // A range of the unique (stream, revision) index, in its order: the whole stream is the range from 0.
      readStream: this.db.prepare<[string, bigint], EventRow>(
        'SELECT * FROM events WHERE stream = ? AND revision >= ? ORDER BY revision',
      ),
      readAfter: this.db.prepare<[number, number], EventRow>(
        'SELECT * FROM events WHERE position > ? ORDER BY position LIMIT ?',
      ),
      byId: this.db.prepare<[string, string], EventRow>('SELECT * FROM events WHERE event_id = ? AND stream = ?'),
      head: this.db.prepare<[], { position: number | null }>('SELECT MAX(position) AS position FROM events'),
      // The end of the stream's range of the unique (stream, revision) index.
      revision: this.db.prepare<[string], { revision: number | null }>('SELECT MAX(revision) AS revision FROM events WHERE stream = ?'),
      ping: this.db.prepare('SELECT 1'),
    };
    this.writer = new SqliteWriter({
      file,
      sqlite: {},
      program: join(__dirname, 'sqlite-event-log.program'),
      afterCommit: () => this.appended.emit('append'),
    });
  }

  async append(stream: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    if (events.length === 0) throw new Error('append needs at least one event');
    return this.writer.run<AppendResult>('append', { stream, events, expected }).catch((error: unknown) => {
      throw fromWriter(error);
    });
  }

  async readStream(stream: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    const from = fromRevisionOf(options);
    if (from > MAX_REVISION) return [];
    return this.statements.readStream.all(stream, from).map(toRecorded);
  }

  async readEventsById(stream: string, ids: readonly string[]): Promise<RecordedEvent[]> {
    const rows = ids.flatMap((id) => this.statements.byId.get(id, stream) ?? []);
    return rows.sort((a, b) => a.revision - b.revision).map(toRecorded);
  }

  async *subscribeToAll(options: SubscribeOptions = {}): AsyncIterable<RecordedEvent> {
    const { signal } = options;
    let after = options.after ? Number(options.after.commit) : 0;
    while (!signal?.aborted && !this.closed) {
      const rows = this.statements.readAfter.all(after, this.batchSize);
      for (const row of rows) {
        if (signal?.aborted) return;
        after = row.position;
        yield toRecorded(row);
      }
      if (rows.length < this.batchSize) await this.nextAppendOrPoll(signal);
    }
  }

  /** Resolves on an append by this process, after the poll interval (other processes), or on abort. */
  private nextAppendOrPoll(signal: AbortSignal | undefined): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.appended.off('append', done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, this.pollIntervalMs);
      this.appended.once('append', done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  /** Event ids are unique across the file: an append resent at 'any' is recognised and not doubled. */
  readonly idempotentWithAnyRevision = true;

  async streamRevision(stream: string): Promise<bigint | 'no_stream'> {
    const revision = this.statements.revision.get(stream)?.revision ?? null;
    return revision === null ? 'no_stream' : BigInt(revision);
  }

  async headPosition(): Promise<Position | null> {
    const head = this.statements.head.get()?.position ?? null;
    return head === null ? null : at(head);
  }

  async ping(): Promise<void> {
    this.writer.check();
    this.statements.ping.get();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.appended.emit('append');
    await this.writer.close();
    this.db.close();
  }
}

function toRecorded(row: EventRow): RecordedEvent {
  return {
    id: row.event_id,
    stream: row.stream,
    revision: BigInt(row.revision),
    position: at(row.position),
    type: row.type,
    data: JSON.parse(row.data) as Record<string, unknown>,
    metadata: JSON.parse(row.metadata) as Record<string, unknown>,
    recordedAt: row.recorded_at,
  };
}
