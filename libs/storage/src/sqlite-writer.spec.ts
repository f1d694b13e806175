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

  it('refuses a write whose arguments cannot reach the thread, and goes on with the others', async () => {
    await expect(writer.run('insert', () => 'a function')).rejects.toThrow();
    await expect(writer.run('insert', 'after')).resolves.toBe(1);
    expect(names()).toEqual(['after']);
  });

  it('answers every write asked for before close, then refuses writes and fails its health check', async () => {
    const writes = Array.from({ length: 50 }, (_, i) => writer.run('insert', `n${String(i).padStart(2, '0')}`));
    await writer.close();
    await expect(Promise.all(writes)).resolves.toHaveLength(50);
    expect(names()).toHaveLength(50);
    await expect(writer.run('insert', 'late')).rejects.toThrow('has stopped');
    expect(() => writer.check()).toThrow('has stopped');
  });

  it('refuses an unknown write', async () => {
    await expect(writer.run('drop', 'x')).rejects.toThrow('unknown write drop');
    expect(() => writer.check()).not.toThrow();
  });
});
