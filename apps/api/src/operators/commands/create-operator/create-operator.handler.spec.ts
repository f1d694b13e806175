import { randomUUID } from 'node:crypto';
import { operatorStream } from '@onehazel/domain';
import { Collections, OperatorView } from '@onehazel/projections';
import {
  contextOf,
  ENVELOPE,
  eventsOf,
  HandlerRuntime,
  openHandlerRuntime,
  operatorProfile,
  platformActor,
  registerPlatform,
  textOf,
} from '../../../testing/handler.spec-helper';
import { CreateOperatorCommand } from './create-operator.command';
import { CreateOperatorHandler } from './create-operator.handler';

describe('CreateOperatorHandler', () => {
  let rt: HandlerRuntime;
  let handler: CreateOperatorHandler;
  let platformId: string;

  beforeEach(async () => {
    rt = await openHandlerRuntime();
    handler = new CreateOperatorHandler(rt.commands, rt.cipher);
    platformId = await registerPlatform(rt);
  });
  afterEach(() => rt.close());

  const create = (commandId?: string, profile = operatorProfile({ contactEmail: 'ops@lucky.example' })) =>
    handler.execute(new CreateOperatorCommand(platformId, profile, contextOf(platformActor(platformId), 'req-create', { commandId })));

  it('records OperatorCreated for the platform, the contact e-mail sealed, never in clear', async () => {
    const { operatorId } = await create();

    const [created, ...rest] = await eventsOf(rt, operatorStream(operatorId));
    expect(rest).toEqual([]);
    expect(created).toMatchObject({
      type: 'OperatorCreated',
      data: { operatorId, platformId, name: 'Lucky Spin Casino', plan: 'professional', industry: 'igaming' },
      metadata: { actor: { kind: 'platform', id: platformId }, requestId: 'req-create' },
    });
    expect(created!.data.contactEmail).toMatch(ENVELOPE);
    expect(textOf([created!])).not.toContain('ops@lucky.example');
    await expect(rt.cipher.openOperatorContact(operatorId, created!.data.contactEmail as string)).resolves.toBe('ops@lucky.example');
  });

  it('answers once the read model has the operator (sealed there too)', async () => {
    const { operatorId } = await create();

    const view = (await rt.stores.read.get(Collections.operators, operatorId)) as OperatorView | null;
    expect(view).toMatchObject({ id: operatorId, platformId, status: 'active' });
    expect(view!.contactEmail).toMatch(ENVELOPE);
  });

  it('derives the operator id from the commandId: a retry of the request names the same operator and records one event', async () => {
    const commandId = randomUUID();

    const first = await create(commandId);
    const retried = await handler.execute(
      new CreateOperatorCommand(platformId, operatorProfile({ contactEmail: 'ops@lucky.example' }), contextOf(platformActor(platformId), 'req-retry', { commandId, retry: true })),
    );

    expect(first.operatorId).toMatch(/^op_[0-9a-f]{16}$/);
    expect(retried).toEqual(first);
    expect(await eventsOf(rt, operatorStream(first.operatorId))).toHaveLength(1);
  });

  it('creates a new operator for every request without a commandId', async () => {
    const one = await create();
    const two = await create();

    expect(one.operatorId).not.toBe(two.operatorId);
    expect(await eventsOf(rt, operatorStream(one.operatorId))).toHaveLength(1);
    expect(await eventsOf(rt, operatorStream(two.operatorId))).toHaveLength(1);
  });
});
