import { getMetricsFromIterator, PromData, PromHistogramData, PromMetrics } from 'prom2javascript';
import { call, igamingOperator, startTestApp, TestApp } from './harness';
import { deposit, mintChild, mintToken, player } from './fleet';
import { allProjections, shadowCheckpointOf } from '@onehazel/projections';

/**
 * prom2javascript 0.2 refuses two values the format allows (Prometheus reads floats with Go's ParseFloat):
 * NaN in any case (prom-client writes `Nan` for an event-loop lag not yet sampled) and -Inf. They become
 * a value no series here has, so that every other line is held to the parser.
 */
const UNREADABLE_BY_THE_PARSER = / (?:nan|-inf)$/i;

/** /metrics parsed as Prometheus text (prom2javascript throws on a line that is not the format). */
async function scrape(t: TestApp): Promise<PromMetrics> {
  const response = await fetch(`${t.url}/metrics`);
  expect(response.headers.get('content-type')).toContain('text/plain');
  const lines = (await response.text()).split('\n').map((line) => line.replace(UNREADABLE_BY_THE_PARSER, ' -1e308'));
  return getMetricsFromIterator(lines[Symbol.iterator]());
}

/** The series of a family whose labels include `labels`. */
function series<T extends PromData | PromHistogramData>(families: PromMetrics, name: string, labels: Record<string, string> = {}): T[] {
  const family = families[name];
  if (!family) throw new Error(`no family ${name} in /metrics`);
  return (family.data as T[]).filter((metric) => Object.entries(labels).every(([label, value]) => metric.labels[label] === value));
}

const valueOf = (families: PromMetrics, name: string, labels: Record<string, string> = {}): number =>
  series<PromData>(families, name, labels).reduce((sum, sample) => sum + sample.value, 0);

describe('/metrics, read as Prometheus text', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMIT_STARTER: '3' });
  });
  afterAll(async () => t.close());

  it('counts requests by route and status, failures by code (the 429s by reason), events by type, replays, and the lag', async () => {
    const operator = await igamingOperator(t);
    expect((await call(t.url, 'POST', '/operator-data-api/entities', { key: operator.key, body: player(), headers: { 'idempotency-key': 'metrics-1' } })).status).toBe(201);
    expect((await call(t.url, 'POST', '/operator-data-api/entities', { key: operator.key, body: player(), headers: { 'idempotency-key': 'metrics-1' } })).status).toBe(201);
    const token = await mintToken(t, operator.key, { monthly_quota_submissions: 1 });
    const child = await mintChild(t, token.token);
    expect((await deposit(t, child.key)).status).toBe(201);
    expect((await deposit(t, child.key)).status).toBe(429);
    // A starter operator's key: three requests a minute, then 429 RATE_LIMITED.
    const starter = await call(t.url, 'POST', '/platform-api/operators', {
      key: operator.platformKey,
      body: { name: 'Starter', contactEmail: 'starter@example.com', plan: 'starter' },
    });
    const key = (await call(t.url, 'POST', `/platform-api/operators/${starter.body.data.id}/api-keys`, { key: operator.platformKey, body: {} })).body.data.key;
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await call(t.url, 'GET', '/api-keys', { key })).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    await t.app.runtime.projector.catchUp();

    const families = await scrape(t);

    const [created] = series<PromHistogramData>(families, 'onehazel_http_request_duration_seconds', { method: 'POST', route: '/operator-data-api/entities', status: '201' });
    expect(Number(created!.count)).toBe(2);
    expect(Object.keys(created!.buckets).length).toBeGreaterThan(5);
    expect(valueOf(families, 'onehazel_http_errors_total', { status: '429', code: 'QUOTA_EXCEEDED', route: '/operator-data-api/events' })).toBe(1);
    expect(valueOf(families, 'onehazel_http_errors_total', { status: '429', code: 'RATE_LIMITED' })).toBe(1);
    expect(valueOf(families, 'onehazel_idempotency_replays_total')).toBe(1);
    expect(valueOf(families, 'onehazel_events_appended_total', { type: 'EntityCreated' })).toBe(1);
    expect(valueOf(families, 'onehazel_events_appended_total', { type: 'ChildKeyMinted' })).toBe(1);
    expect(valueOf(families, 'onehazel_events_appended_total', { type: 'EntityEventRecorded' })).toBe(1);
    // One series per projection, each caught up.
    expect(series(families, 'onehazel_projection_lag_positions').map((sample) => sample.labels.projection).sort()).toEqual(allProjections.map((projection) => projection.name).sort());
    expect(valueOf(families, 'onehazel_projection_lag_positions')).toBe(0);
    expect(valueOf(families, 'onehazel_projection_lag_seconds')).toBe(0);
    // Route templates, never raw ids, in every label.
    const labels = Object.values(families).flatMap((family) => (family.data as PromData[]).flatMap((metric) => Object.values(metric.labels)));
    expect(labels.filter((label) => /op_[0-9a-f]{16}|player_1|oh_(live|op)_/.test(label))).toEqual([]);
  });

  it('shows the projection falling behind the log while its projector is held', async () => {
    await t.app.runtime.projector.stop();
    try {
      await t.app.runtime.stores.events.append('metrics-spec', [{ id: '00000000-0000-4000-8000-00000000000a', type: 'SpecHappened', data: {}, metadata: {} }], 'no_stream');
      await new Promise((resolveWait) => setTimeout(resolveWait, 1100));
      const families = await scrape(t);
      expect(valueOf(families, 'onehazel_projection_lag_positions', { projection: 'entities' })).toBe(1);
      expect(valueOf(families, 'onehazel_projection_lag_seconds', { projection: 'operators' })).toBeGreaterThanOrEqual(1);
    } finally {
      t.app.runtime.projector.start();
    }
  });

  it('shows a rebuild in the shadow while its checkpoint exists, and how far behind the log it is', async () => {
    expect(valueOf(await scrape(t), 'onehazel_rebuild_in_progress')).toBe(0);
    const head = (await t.app.runtime.stores.events.headPosition())!;
    const shadow = shadowCheckpointOf('main', 'api-keys');
    await t.app.runtime.stores.read.commit(shadow, null, `${head.commit - 2n}/${head.commit - 2n}`, []);

    const during = await scrape(t);

    expect([valueOf(during, 'onehazel_rebuild_in_progress'), valueOf(during, 'onehazel_rebuild_lag_positions')]).toEqual([1, 2]);
    expect(valueOf(during, 'onehazel_rebuild_in_progress', { projection: 'api-keys' })).toBe(1);
    await t.app.runtime.stores.read.reset(shadow, []);
    expect(valueOf(await scrape(t), 'onehazel_rebuild_in_progress')).toBe(0);
  });
});
