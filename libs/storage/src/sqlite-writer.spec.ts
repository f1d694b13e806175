import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqlite } from './sqlite';
import { SqliteWriter } from './sqlite-writer';

describe('SqliteWriter', () => {
  let dir: string;
  let file: string;
  let commits: number;
  let writer: SqliteWriter;
  const names = () => {
    const db = openSqlite(file);
    try {
      return (db.prepare('SELECT name FROM names ORDER BY name').all() as { name: string }[]).map((row) => row.name);
    } finally {
      db.close();
    }
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'oh-writer-'));
    file = join(dir, 'w.db');
    commits = 0;
    writer = new SqliteWriter({ file, sqlite: {}, program: join(__dirname, '../test/names.program'), afterCommit: () => (commits += 1) });
  });
  afterEach(async () => {
    await writer.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('commits on its thread, answers each write once its batch is committed, and groups the writes that waited', async () => {
    const first = writer.run('insert', 'a');
    const waiting = ['b', 'c', 'd'].map((name) => writer.run('insert', name)); // asked while the first batch is in flight
    expect(await first).toBe(1);
    expect(commits).toBe(1);
    await Promise.all(waiting);
    expect(commits).toBe(2); // the three that waited shared one transaction
    expect(names()).toEqual(['a', 'b', 'c', 'd']);
  });

  it('undoes only a write that failed, and gives its caller the error with its fields', async () => {
    const results = await Promise.allSettled([writer.run('insert', 'a'), writer.run('insertThenFail', 'b'), writer.run('insert', 'c')]);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toMatchObject({ name: 'RefusedError', message: 'refused', reason: 'b' });
    expect(names()).toEqual(['a', 'c']);
  });

  it('refuses writes after it is closed, and an unknown write', async () => {
    await expect(writer.run('drop', 'x')).rejects.toThrow('unknown write drop');
    await writer.close();
    await expect(writer.run('insert', 'late')).rejects.toThrow('has stopped');
  });
});
