import type Database from 'better-sqlite3';

/** A write program for the SqliteWriter spec: inserts names, and fails on request. */
export function createWriteProgram(db: Database.Database) {
  db.exec('CREATE TABLE IF NOT EXISTS names (name TEXT PRIMARY KEY)');
  const insert = db.prepare('INSERT INTO names (name) VALUES (?)');
  return {
    insert: (name: string) => insert.run(name).changes,
    insertThenFail: (name: string) => {
      insert.run(name);
      throw Object.assign(new Error('refused'), { name: 'RefusedError', reason: name });
    },
  };
}
