import { formatPosition } from '@onehazel/event-store';
import { HandlerRuntime, openHandlerRuntime, operatorWithKey } from '../../../testing/handler.spec-helper';
import { CheckReadinessHandler } from './check-readiness.handler';

describe('CheckReadinessHandler', () => {
  let rt: HandlerRuntime;
  let handler: CheckReadinessHandler;

  beforeEach(async () => {
    rt = await openHandlerRuntime({ READY_TIMEOUT_MS: '50', READY_MAX_LAG_SECONDS: '10' });
    handler = new CheckReadinessHandler(rt.stores.events, rt.stores.read, rt.stores.keys, rt.stores.requests, rt.projector, rt.config);
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    await rt.close();
  });

  const allUp = { eventStore: 'up', readStore: 'up', keyStore: 'up', requestStore: 'up' };
  const never = () => new Promise<never>(() => undefined);

  // The query carries nothing: the handler's execute takes no argument.
  const check = () => handler.execute();

  it('is ready on an empty log, with nothing to catch up', async () => {
    await expect(check()).resolves.toEqual({ status: 'ready', ...allUp, projection: { checkpoint: null, head: null, caughtUp: true, lagSeconds: 0 } });
  });

  it('is ready, and caught up, once the projector has passed the head of the log', async () => {
    await operatorWithKey(rt);
    const head = formatPosition((await rt.stores.events.headPosition())!);

    await expect(check()).resolves.toEqual({ status: 'ready', ...allUp, projection: { checkpoint: head, head, caughtUp: true, lagSeconds: 0 } });
  });

  it('says how far the projection is behind the log', async () => {
    await operatorWithKey(rt);
    const checkpoint = formatPosition((await rt.projector.storedCheckpoint())!);
    await rt.projector.stop();
    await rt.stores.events.append('spec-stream', [{ id: '00000000-0000-4000-8000-000000000001', type: 'SpecHappened', data: {}, metadata: {} }], 'no_stream');
    const head = formatPosition((await rt.stores.events.headPosition())!);

    await expect(check()).resolves.toMatchObject({ status: 'ready', projection: { checkpoint, head, caughtUp: false } });
  });

  it('is unavailable once an event the projection does not have has waited past READY_MAX_LAG_SECONDS', async () => {
    await operatorWithKey(rt);
    await rt.projector.stop();
    await rt.stores.events.append('spec-stream', [{ id: '00000000-0000-4000-8000-000000000002', type: 'SpecHappened', data: {}, metadata: {} }], 'no_stream');
    const now = Date.now();
    jest.spyOn(Date, 'now').mockReturnValue(now + 9_000);
    await expect(check()).resolves.toMatchObject({ status: 'ready', projection: { caughtUp: false } });

    jest.spyOn(Date, 'now').mockReturnValue(now + 12_000);
    const late = await check();

    expect(late).toMatchObject({ status: 'unavailable', ...allUp, projection: { caughtUp: false } });
    expect(late.projection!.lagSeconds).toBeGreaterThan(10);
  });

  it('is unavailable, the event store down, when the event store does not answer its ping', async () => {
    jest.spyOn(rt.stores.events, 'ping').mockRejectedValue(new Error('connection refused'));

    await expect(check()).resolves.toEqual({ status: 'unavailable', ...allUp, eventStore: 'down', projection: null });
  });

  it('is unavailable, the read store down, when the read store does not answer its ping', async () => {
    jest.spyOn(rt.stores.read, 'ping').mockRejectedValue(new Error('connection refused'));

    await expect(check()).resolves.toEqual({ status: 'unavailable', ...allUp, readStore: 'down', projection: null });
  });

  it.each([
    ['eventStore', () => jest.spyOn(rt.stores.events, 'ping').mockImplementation(never)],
    ['readStore', () => jest.spyOn(rt.stores.read, 'ping').mockImplementation(never)],
    ['keyStore', () => jest.spyOn(rt.stores.keys, 'ping').mockImplementation(never)],
    ['requestStore', () => jest.spyOn(rt.stores.requests, 'ping').mockImplementation(never)],
  ])('is unavailable within READY_TIMEOUT_MS when the %s does not answer at all', async (store, hang) => {
    hang();

    // Without the deadline this never answers (and the spec fails on Jest's timeout).
    await expect(check()).resolves.toMatchObject({ status: 'unavailable', [store]: 'timeout' });
  });

  it.each([
    ['keyStore', () => jest.spyOn(rt.stores.keys, 'ping').mockRejectedValue(new Error('gone'))],
    ['requestStore', () => jest.spyOn(rt.stores.requests, 'ping').mockRejectedValue(new Error('gone'))],
  ])('is unavailable when the %s fails its ping', async (store, fail) => {
    fail();
    await expect(check()).resolves.toMatchObject({ status: 'unavailable', [store]: 'down' });
  });

  it('is unavailable when the log’s head cannot be read in time', async () => {
    jest.spyOn(rt.stores.events, 'headPosition').mockImplementation(never);

    await expect(check()).resolves.toEqual({ status: 'unavailable', ...allUp, projection: null });
  });
});
