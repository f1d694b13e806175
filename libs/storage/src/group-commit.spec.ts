import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { GroupCommit } from './group-commit';
import { openSqlite } from './sqlite';

describe('GroupCommit', () => {
  let dir: string;
  let db: Database.Database;
  let commits: number;
  let group: GroupCommit;
  const rows = () => (db.prepare('SELECT name FROM t ORDER BY name').all() as { name: string }[]).map((row) => row.name);
  const insert = (name: string) => () => db.prepare('INSERT INTO t (name) VALUES (?)').run(name).changes;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'oh-group-'));
    db = openSqlite(join(dir, 'g.db'));
    db.exec('CREATE TABLE t (name TEXT PRIMARY KEY)');
    commits = 0;
    group = new GroupCommit(db, { afterCommit: () => (commits += 1) });
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('commits the writes asked for in one turn together, and answers each only after the commit', async () => {
    const answered: number[] = [];
    const writes = ['a', 'b', 'c', 'd'].map((name) => group.run(insert(name)).then(() => answered.push(commits)));
    expect(rows()).toEqual([]); // nothing runs before the batch does
    await Promise.all(writes);
    expect(rows()).toEqual(['a', 'b', 'c', 'd']);
    expect(commits).toBe(1);
    expect(answered).toEqual([1, 1, 1, 1]);
  });

  it('undoes only the write that failed: the others of its batch are kept and answered', async () => {
    const results = await Promise.allSettled([
      group.run(insert('a')),
      group.run(() => {
        insert('b')();
        throw new Error('wrong expected revision');
      }),
      group.run(insert('a')), // a constraint violation: its own failure
      group.run(insert('c')),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled']);
    expect(rows()).toEqual(['a', 'c']);
    expect(commits).toBe(1);
  });

  it('rejects every write of a batch that SQLite rolled back as a whole, and keeps none of them', async () => {
    const results = await Promise.allSettled([
      group.run(insert('a')),
      group.run(() => {
        db.exec('ROLLBACK'); // what SQLite does itself on an I/O error or a full disk
        throw new Error('disk I/O error');
      }),
      group.run(insert('c')),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(rows()).toEqual([]);
    expect(commits).toBe(0);
  });

  it('splits a queue longer than the batch limit over several transactions', async () => {
    const small = new GroupCommit(db, { maxBatch: 3, afterCommit: () => (commits += 1) });
    await Promise.all(['a', 'b', 'c', 'd', 'e'].map((name) => small.run(insert(name))));
    expect(rows()).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(commits).toBe(2);
  });
});
