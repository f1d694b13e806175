import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { allProjections, Collections, operatorTokensProjection } from '@onehazel/projections';
import { call, operatorWithKey, startTestApp } from './harness';

/** A projection added to a running product builds its read model from the whole log, in the shadow, by itself. */
describe('a new projection on first start', () => {
  let dataDir: string;

  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'oh-new-projection-'));
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('is built in the shadow from the events recorded before it existed, and goes live once caught up', async () => {
    // A product without the operator-tokens projection: the tokens' events are recorded, not projected.
    const before = await startTestApp({}, dataDir, { projections: allProjections.filter((projection) => projection !== operatorTokensProjection) });
    let token: { id: string; operator_token: string };
    let key: string;
    try {
      ({ key } = await operatorWithKey(before));
      token = (await call(before.url, 'POST', '/api/v1/operator-tokens', { key, body: { label: 'before the projection' } })).body.data;
      expect(await before.app.runtime.stores.read.get(Collections.operatorTokens, token.id)).toBeNull();
      expect(await before.app.runtime.projectionsBuilt()).toBe(false);
    } finally {
      await before.close();
    }

    const after = await startTestApp({}, dataDir);
    try {
      expect(await after.app.runtime.projectionsBuilt()).toBe(true);
      const listed = await call(after.url, 'GET', '/api/v1/operator-tokens', { key });
      expect(listed.body.data.tokens).toEqual([expect.objectContaining({ id: token.id, label: 'before the projection' })]);
      expect((await call(after.url, 'POST', '/api/v1/operator-tokens/mint-child', { key: token.operator_token, body: {} })).status).toBe(201);
    } finally {
      await after.close();
    }

    // The next start finds the set recorded: nothing to build.
    const again = await startTestApp({}, dataDir);
    try {
      expect(await again.app.runtime.projectionsBuilt()).toBe(false);
    } finally {
      await again.close();
    }
  });
});
