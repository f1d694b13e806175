import type Database from 'better-sqlite3';
import { AppendResult, ExpectedRevision, NewEvent, Position, WrongExpectedRevisionError } from './event-store.port';

/** The events table of the embedded log. */
export const EVENTS_SCHEMA = `
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

export type EventRow = {
  position: number;
  event_id: string;
  stream: string;
  revision: number;
  type: string;
  data: string;
  metadata: string;
  recorded_at: string;
};

export type AppendArgs = Readonly<{ stream: string; events: readonly NewEvent[]; expected: ExpectedRevision }>;

export const at = (position: number): Position => ({ commit: BigInt(position), prepare: BigInt(position) });

/**
 * The log's one write, run on the writer thread (SqliteWriter) inside a group-committed transaction:
 * checks the expected revision and appends, or recognises a retry of an append already stored.
 */
export function createWriteProgram(db: Database.Database) {
  db.exec(EVENTS_SCHEMA);
  const statements = {
    lastRevision: db.prepare<[string], { revision: number | null }>('SELECT MAX(revision) AS revision FROM events WHERE stream = ?'),
    byEventId: db.prepare<[string], EventRow>('SELECT * FROM events WHERE event_id = ?'),
    insert: db.prepare(
      `INSERT INTO events (event_id, stream, revision, type, data, metadata, recorded_at)
       VALUES (@id, @stream, @revision, @type, @data, @metadata, @recordedAt)`,
    ),
  };

  /**
   * When every event is already stored, with the same id, type and data, in order, in this stream, the
   * append is a retry of that one. Any other reuse of an id is refused.
   */
  function previousAppend(stream: string, events: readonly NewEvent[]): AppendResult | null {
    const rows = events.map((event) => statements.byEventId.get(event.id));
    if (rows.every((row) => row === undefined)) return null;
    const consecutive = rows.every(
      (row, index) =>
        row !== undefined &&
        row.stream === stream &&
        row.revision === rows[0]!.revision + index &&
        row.type === events[index]!.type &&
        row.data === JSON.stringify(events[index]!.data),
    );
    const last = statements.lastRevision.get(stream)?.revision ?? null;
    if (!consecutive) {
      throw new WrongExpectedRevisionError(stream, 'any', last === null ? 'no_stream' : BigInt(last));
    }
    const lastRow = rows[rows.length - 1]!;
    return { nextRevision: BigInt(lastRow.revision), position: at(lastRow.position) };
  }

  function append({ stream, events, expected }: AppendArgs): AppendResult {
    const retried = previousAppend(stream, events);
    if (retried) return retried;
    const last = statements.lastRevision.get(stream)?.revision ?? null;
    const actual = last === null ? 'no_stream' : BigInt(last);
    const matches = expected === 'any' || (expected === 'no_stream' ? last === null : last !== null && BigInt(last) === expected);
    if (!matches) throw new WrongExpectedRevisionError(stream, expected, actual);
    const recordedAt = new Date().toISOString();
    let revision = last ?? -1;
    let position = 0;
    for (const event of events) {
      revision += 1;
      const info = statements.insert.run({
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

  return { append };
}
