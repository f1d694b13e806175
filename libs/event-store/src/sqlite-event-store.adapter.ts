import type Database from 'better-sqlite3';
import { GroupCommit, openSqlite } from '@onehazel/storage';
import { EventEmitter } from 'node:events';
import {
  AppendResult,
  EventStore,
  ExpectedRevision,
  NewEvent,
  Position,
  RecordedEvent,
  SubscribeOptions,
  WrongExpectedRevisionError,
} from './event-store.port';

type EventRow = {
  position: number;
  event_id: string;
  stream: string;
  revision: number;
  type: string;
  data: string;
  metadata: string;
  recorded_at: string;
};

export type SqliteEventStoreOptions = Readonly<{
  /** How often a waiting subscription looks for events appended by other processes. */
  pollIntervalMs?: number;
  /** Events read per query by a subscription. */
  batchSize?: number;
}>;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS events (
  position    INTEGER PRIMARY KEY AUTOINCREMENT,
  event_id    TEXT    NOT NULL UNIQUE,
  stream      TEXT    NOT NULL,
  revision    INTEGER NOT NULL,
  type        TEXT    NOT NULL,
  data        TEXT    NOT NULL,
  metadata    TEXT    NOT NULL,
  recorded_at TEXT    NOT NULL,
  UNIQUE (stream, revision)
);`;

const at = (position: number): Position => ({ commit: BigInt(position), prepare: BigInt(position) });

/**
 * The embedded event store: one SQLite file in WAL mode with synchronous=FULL, so that an append that
 * returned survives a crash or a power loss. Appends are group-committed in IMMEDIATE transactions,
 * serialised across every process that opens the same file (the API, the projector, the CLI).
 */
export class SqliteEventStore implements EventStore {
  private readonly db: Database.Database;
  private readonly appended = new EventEmitter();
  private readonly pollIntervalMs: number;
  private readonly batchSize: number;
  private readonly statements;
  private readonly group: GroupCommit;
  private closed = false;

  constructor(file: string, options: SqliteEventStoreOptions = {}) {
    this.pollIntervalMs = options.pollIntervalMs ?? 50;
    this.batchSize = options.batchSize ?? 1000;
    this.db = openSqlite(file);
    this.db.exec(SCHEMA);
    this.appended.setMaxListeners(0);
    this.statements = {
      lastRevision: this.db.prepare<[string], { revision: number | null }>(
        'SELECT MAX(revision) AS revision FROM events WHERE stream = ?',
      ),
      byEventId: this.db.prepare<[string], EventRow>('SELECT * FROM events WHERE event_id = ?'),
      insert: this.db.prepare(
        `INSERT INTO events (event_id, stream, revision, type, data, metadata, recorded_at)
         VALUES (@id, @stream, @revision, @type, @data, @metadata, @recordedAt)`,
      ),
      readStream: this.db.prepare<[string], EventRow>('SELECT * FROM events WHERE stream = ? ORDER BY revision'),
      readAfter: this.db.prepare<[number, number], EventRow>(
        'SELECT * FROM events WHERE position > ? ORDER BY position LIMIT ?',
      ),
      head: this.db.prepare<[], { position: number | null }>('SELECT MAX(position) AS position FROM events'),
      ping: this.db.prepare('SELECT 1'),
    };
    this.group = new GroupCommit(this.db, { afterCommit: () => this.appended.emit('append') });
  }

  /** Group-committed (see GroupCommit): concurrent appends share one transaction and one fsync, each checked on its own. */
  async append(stream: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    if (events.length === 0) throw new Error('append needs at least one event');
    return this.group.run(() => this.appendInTransaction(stream, events, expected));
  }

  private appendInTransaction(stream: string, events: readonly NewEvent[], expected: ExpectedRevision): AppendResult {
    const retried = this.previousAppend(stream, events);
    if (retried) return retried;
    const last = this.statements.lastRevision.get(stream)?.revision ?? null;
    const actual = last === null ? 'no_stream' : BigInt(last);
    const matches =
      expected === 'any' || (expected === 'no_stream' ? last === null : last !== null && BigInt(last) === expected);
    if (!matches) throw new WrongExpectedRevisionError(stream, expected, actual);
    const recordedAt = new Date().toISOString();
    let revision = last ?? -1;
    let position = 0;
    for (const event of events) {
      revision += 1;
      const info = this.statements.insert.run({
        id: event.id,
        stream,
        revision,
        type: event.type,
        data: JSON.stringify(event.data),
        metadata: JSON.stringify(event.metadata),
        recordedAt,
      });
      position = Number(info.lastInsertRowid);
    }
    return { nextRevision: BigInt(revision), position: at(position) };
  }

  /**
   * When every event is already stored, with the same id, type and data, in order, in this stream, the
   * append is a retry of that one. Any other reuse of an id is refused.
   */
  private previousAppend(stream: string, events: readonly NewEvent[]): AppendResult | null {
    const rows = events.map((event) => this.statements.byEventId.get(event.id));
    if (rows.every((row) => row === undefined)) return null;
    const consecutive = rows.every(
      (row, index) =>
        row !== undefined &&
        row.stream === stream &&
        row.revision === rows[0]!.revision + index &&
        row.type === events[index]!.type &&
        row.data === JSON.stringify(events[index]!.data),
    );
    const last = this.statements.lastRevision.get(stream)?.revision ?? null;
    if (!consecutive) {
      throw new WrongExpectedRevisionError(stream, 'any', last === null ? 'no_stream' : BigInt(last));
    }
    const lastRow = rows[rows.length - 1]!;
    return { nextRevision: BigInt(lastRow.revision), position: at(lastRow.position) };
  }

  async readStream(stream: string): Promise<RecordedEvent[]> {
    return this.statements.readStream.all(stream).map(toRecorded);
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

  async headPosition(): Promise<Position | null> {
    const head = this.statements.head.get()?.position ?? null;
    return head === null ? null : at(head);
  }

  async ping(): Promise<void> {
    this.statements.ping.get();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.appended.emit('append');
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
