import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { assertFreshBuild, call, operatorWithKey, startTestApp, TestApp } from './harness';

const cliMain = resolve(__dirname, '../../../dist/apps/cli/src/main.js');
const JAMES = {
  entityType: 'player',
  externalId: 'player_rotate',
  data: { first_name: 'James', last_name: 'Wilson', email: 'james.wilson@example.com', country: 'GB', currency: 'GBP' },
};

describe('master key rotation', () => {
  it('keeps personal data readable through a rotation: old key as previous, `keys rewrap`, then the old key retired', async () => {
    assertFreshBuild();
    const dir = mkdtempSync(join(tmpdir(), 'oh-rotate-'));
    const oldKey = randomBytes(32).toString('base64');
    const newKey = randomBytes(32).toString('base64');
    // Closed on the way out whatever failed, so that a red run ends instead of keeping Jest alive.
    let t: TestApp | null = null;
    try {
      t = await startTestApp({ MASTER_KEY: oldKey }, dir);
      const { key } = await operatorWithKey(t);
      await call(t.url, 'PUT', '/operator-data-api/settings', { key, body: { template: 'igaming' } });
      const headers = { 'idempotency-key': 'before-the-rotation' };
      const created = await call(t.url, 'POST', '/operator-data-api/entities', { key, body: JAMES, headers });
      expect(created.status).toBe(201);
      await t.close();
      t = null;

      t = await startTestApp({ MASTER_KEY: newKey, MASTER_KEYS_PREVIOUS: oldKey, KEY_CACHE_TTL_MS: '0' }, dir);
      expect((await call(t.url, 'GET', '/operator-data-api/entities/player_rotate', { key })).body.data.data).toEqual(JAMES.data);
      // A retry across the rotation is the same request: its answer is replayed, not 422.
      const retried = await call(t.url, 'POST', '/operator-data-api/entities', { key, body: JAMES, headers });
      expect([retried.status, retried.headers.get('idempotent-replayed'), retried.body]).toEqual([201, 'true', created.body]);
      await t.close();
      t = null;

      const rewrap = spawnSync(process.execPath, [cliMain, 'keys', 'rewrap'], {
        env: { ...process.env, DATA_DIR: dir, MASTER_KEY: newKey, MASTER_KEYS_PREVIOUS: oldKey },
        encoding: 'utf8',
      });
      expect(rewrap.status).toBe(0);
      // The entity's key, the operator's own (its contact e-mail) and its lookup key (externalId hashes).
      expect(rewrap.stdout).toContain('Re-wrapped 3 data keys');

      t = await startTestApp({ MASTER_KEY: newKey, KEY_CACHE_TTL_MS: '0' }, dir);
      expect((await call(t.url, 'GET', '/operator-data-api/entities/player_rotate', { key })).body.data.data).toEqual(JAMES.data);
    } finally {
      await t?.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
