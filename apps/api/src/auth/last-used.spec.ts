import { Writable } from 'node:stream';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Collections } from '@onehazel/projections';
import { SqliteReadStore } from '@onehazel/read-store';
import { createLogger } from '@onehazel/runtime';
import { LastUsedRecorder } from './last-used';

const MINUTE = 60_000;
const t0 = Date.parse('2026-04-06T12:00:00.000Z');

describe('LastUsedRecorder', () => {
  let dir: string;
  let read: SqliteReadStore;
  const lines: string[] = [];
  const logger = createLogger('warn', new Writable({ write: (chunk, _e, done) => (lines.push(String(chunk)), done()) }));

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'oh-lastused-'));
    read = new SqliteReadStore(join(dir, 'read.db'));
  });
  afterEach(async () => {
    await read.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const lastUsed = async (keyId: string) => ((await read.get(Collections.apiKeyUsage, keyId)) as { lastUsedAt?: string } | null)?.lastUsedAt;

  it('writes nothing on touch itself, and once per interval per key on flush', async () => {
    const writes = jest.spyOn(read, 'recordTime');
    const recorder = new LastUsedRecorder(read, MINUTE, logger, 60 * MINUTE);
    recorder.touch('k1', t0);
    expect(writes).not.toHaveBeenCalled();
    recorder.touch('k1', t0 + 10_000);
    recorder.touch('k2', t0 + 20_000);
    await recorder.flush();
    expect(writes).toHaveBeenCalledTimes(2);
    expect(await lastUsed('k1')).toBe('2026-04-06T12:00:00.000Z');
    recorder.touch('k1', t0 + 30_000);
    await recorder.flush();
    expect(writes).toHaveBeenCalledTimes(2);
    recorder.touch('k1', t0 + MINUTE + 1);
    await recorder.flush();
    expect(await lastUsed('k1')).toBe('2026-04-06T12:01:00.001Z');
    await recorder.onApplicationShutdown();
  });

  it('does not let a second process write again within the interval (the store decides)', async () => {
    const a = new LastUsedRecorder(read, MINUTE, logger, 60 * MINUTE);
    const b = new LastUsedRecorder(read, MINUTE, logger, 60 * MINUTE);
    a.touch('k1', t0);
    await a.flush();
    b.touch('k1', t0 + 5_000);
    await b.flush();
    expect(await lastUsed('k1')).toBe('2026-04-06T12:00:00.000Z');
    await a.onApplicationShutdown();
    await b.onApplicationShutdown();
  });

  it('logs a failed write and carries on: a use is never an error for the request', async () => {
    jest.spyOn(read, 'recordTime').mockRejectedValue(new Error('database is locked'));
    const recorder = new LastUsedRecorder(read, MINUTE, logger, 60 * MINUTE);
    recorder.touch('k1', t0);
    await expect(recorder.flush()).resolves.toBeUndefined();
    expect(lines.some((line) => line.includes('lastUsedAt not recorded') && line.includes('database is locked'))).toBe(true);
    await recorder.onApplicationShutdown();
  });
});
