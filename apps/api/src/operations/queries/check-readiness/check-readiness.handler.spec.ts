import { formatPosition } from '@onehazel/event-store';
import { HandlerRuntime, openHandlerRuntime, operatorWithKey } from '../../../testing/handler.spec-helper';
import { CheckReadinessHandler } from './check-readiness.handler';

describe('CheckReadinessHandler', () => {
  let rt: HandlerRuntime;
  let handler: CheckReadinessHandler;

  beforeEach(async () => {
    rt = await openHandlerRuntime();
    handler = new CheckReadinessHandler(rt.stores.events, rt.stores.read, rt.projector);
  });
  afterEach(() => rt.close());

  // The query carries nothing: the handler's execute takes no argument.
  const check = () => handler.execute();

  it('is ready on an empty log, with nothing to catch up', async () => {
    await expect(check()).resolves.toEqual({ status: 'ready', eventStore: 'up', readStore: 'up', projection: { checkpoint: null, head: null, caughtUp: true } });
  });

  it('is ready, and caught up, once the projector has passed the head of the log', async () => {
    await operatorWithKey(rt);
    const head = formatPosition((await rt.stores.events.headPosition())!);

    await expect(check()).resolves.toEqual({ status: 'ready', eventStore: 'up', readStore: 'up', projection: { checkpoint: head, head, caughtUp: true } });
  });

  it('says how far the projection is behind the log', async () => {
    await operatorWithKey(rt);
    const checkpoint = formatPosition((await rt.projector.storedCheckpoint())!);
    await rt.projector.stop();
    await rt.stores.events.append('spec-stream', [{ id: '00000000-0000-4000-8000-000000000001', type: 'SpecHappened', data: {}, metadata: {} }], 'no_stream');
    const head = formatPosition((await rt.stores.events.headPosition())!);

    await expect(check()).resolves.toMatchObject({ status: 'ready', projection: { checkpoint, head, caughtUp: false } });
  });

  it('is unavailable, the event store down, when the event store does not answer its ping', async () => {
    jest.spyOn(rt.stores.events, 'ping').mockRejectedValue(new Error('connection refused'));

    await expect(check()).resolves.toEqual({ status: 'unavailable', eventStore: 'down', readStore: 'up', projection: null });
  });

  it('is unavailable, the read store down, when the read store does not answer its ping', async () => {
    jest.spyOn(rt.stores.read, 'ping').mockRejectedValue(new Error('connection refused'));

    await expect(check()).resolves.toEqual({ status: 'unavailable', eventStore: 'up', readStore: 'down', projection: null });
  });
});
