import { randomUUID } from 'node:crypto';
import { commandScopedId } from '@onehazel/crypto';
import { Template } from '@onehazel/domain';
import { Collections, EntityView } from '@onehazel/projections';
import {
  allDataKeys,
  barrierOnReads,
  configureTemplate,
  contextOf,
  ENVELOPE,
  eventsOf,
  HandlerRuntime,
  igamingOperator,
  keyActor,
  openHandlerRuntime,
  operatorWithKey,
  playerData,
  textOf,
  upsertEntity, entityStreamOf } from '../../../testing/handler.spec-helper';
import { EraseEntityCommand } from '../erase-entity/erase-entity.command';
import { EraseEntityHandler } from '../erase-entity/erase-entity.handler';

const PII = ['first_name', 'last_name', 'email', 'date_of_birth'];

describe('UpsertEntityHandler', () => {
  let rt: HandlerRuntime;
  let operator: Awaited<ReturnType<typeof igamingOperator>>;

  beforeEach(async () => {
    rt = await openHandlerRuntime();
    operator = await igamingOperator(rt);
  });
  afterEach(() => rt.close());

  /** The data keys of the operator's entities (not its profile key, nor its lookup key). */
  const entityKeys = async (operatorId = operator.operatorId) =>
    (await allDataKeys(rt)).filter((key) => key.operatorId === operatorId && key.entityId.startsWith('ent_')).map((key) => key.entityId);

  it('answers TEMPLATE_NOT_CONFIGURED before the operator has a template, recording and creating nothing', async () => {
    const bare = await operatorWithKey(rt);

    await expect(upsertEntity(rt, bare, 'player_1')).rejects.toMatchObject({ code: 'TEMPLATE_NOT_CONFIGURED' });
    expect(await eventsOf(rt, await entityStreamOf(rt, bare.operatorId, 'player_1'))).toEqual([]);
    expect(await entityKeys(bare.operatorId)).toEqual([]);
  });

  it.each([
    ['a required field is missing', 'player', { ...playerData(), email: undefined }, 'data.email'],
    ['a field has the wrong type', 'player', playerData({ email: 'not an address' }), 'data.email'],
    ['a field is not in the template', 'player', playerData({ nickname: 'jw' }), 'data.nickname'],
    ['the entity type is not in the template', 'dealer', playerData(), 'entityType'],
  ])('answers VALIDATION_FAILED naming the field when %s, recording and creating nothing', async (_, entityType, data, field) => {
    const defined = Object.fromEntries(Object.entries(data).filter(([, value]) => value !== undefined));

    const upsert = upsertEntity(rt, operator, 'player_1', { entityType, data: defined });

    await expect(upsert).rejects.toMatchObject({ code: 'VALIDATION_FAILED', details: expect.arrayContaining([expect.objectContaining({ field })]) });
    expect(await eventsOf(rt, await entityStreamOf(rt, operator.operatorId, 'player_1'))).toEqual([]);
    expect(await entityKeys()).toEqual([]);
  });

  it("seals the template's personal fields with the entity's own key before recording EntityCreated", async () => {
    const data = playerData();

    const created = await upsertEntity(rt, operator, 'player_1', { data });

    expect(created).toEqual({ id: expect.stringMatching(/^ent_[0-9a-f]{16}$/), externalId: 'player_1', entityType: 'player', action: 'created' });
    const events = await eventsOf(rt, await entityStreamOf(rt, operator.operatorId, 'player_1'));
    const [event] = events;
    expect(event).toMatchObject({ type: 'EntityCreated', data: { entityId: created.id, operatorId: operator.operatorId, externalIdHash: expect.stringMatching(/^[0-9a-f]{64}$/), sealedExternalId: expect.stringMatching(ENVELOPE), entityType: 'player' } });
    expect(textOf(events)).not.toContain('player_1');
    const stored = event!.data.data as Record<string, unknown>;
    for (const field of PII) expect(stored[field]).toMatch(ENVELOPE);
    expect(stored).toMatchObject({ country: 'GB', currency: 'GBP', vip_level: 'bronze' });
    expect([...(event!.data.piiFields as string[])].sort()).toEqual([...PII].sort());
    for (const field of PII) expect(textOf(events)).not.toContain(String(data[field]));
    expect(await entityKeys()).toEqual([created.id]);
    await expect(rt.cipher.openEntityFields(operator.operatorId, created.id, stored, PII)).resolves.toEqual(data);
  });

  it('seals fields the template does not declare too, when it allows them (they may be personal)', async () => {
    const loose: Template = {
      name: 'loose',
      entity_types: { lead: { fields: { source: { type: 'string' } }, required: [], pii_fields: [], allow_extra_fields: true } },
    };
    await configureTemplate(rt, operator.operatorId, operator.keyId, loose);

    await upsertEntity(rt, operator, 'lead_1', { entityType: 'lead', data: { source: 'ads', nickname: 'jw' } });

    const [event] = await eventsOf(rt, await entityStreamOf(rt, operator.operatorId, 'lead_1'));
    expect(event!.data.data).toEqual({ source: 'ads', nickname: expect.stringMatching(ENVELOPE) });
    expect(event!.data.piiFields).toEqual(['nickname']);
  });

  it('creates, then updates the same entity (same id, same key) on the same externalId', async () => {
    const created = await upsertEntity(rt, operator, 'player_1');
    const updated = await upsertEntity(rt, operator, 'player_1', { data: playerData({ vip_level: 'gold' }) });

    expect(updated).toEqual({ ...created, action: 'updated' });
    const events = await eventsOf(rt, await entityStreamOf(rt, operator.operatorId, 'player_1'));
    expect(events.map((event) => [event.type, event.data.entityId])).toEqual([['EntityCreated', created.id], ['EntityUpdated', created.id]]);
    expect(events[1]!.data.keyId).toBe(events[0]!.data.keyId);
    expect(await entityKeys()).toEqual([created.id]);
    expect(await rt.stores.read.get(Collections.entities, created.id)).toMatchObject({ data: { vip_level: 'gold' } });
  });

  it('answers a retry of the request (same commandId) with the first outcome, without a second event or key', async () => {
    const commandId = randomUUID();
    const first = await upsertEntity(rt, operator, 'player_1', { commandId });
    // Another request changes the entity meanwhile.
    await upsertEntity(rt, operator, 'player_1', { data: playerData({ vip_level: 'gold' }) });

    const retried = await upsertEntity(rt, operator, 'player_1', { commandId, retry: true });

    expect(first).toMatchObject({ id: commandScopedId(commandId, 'ent_'), action: 'created' });
    expect(retried).toEqual(first);
    expect((await eventsOf(rt, await entityStreamOf(rt, operator.operatorId, 'player_1'))).map((event) => event.type)).toEqual(['EntityCreated', 'EntityUpdated']);
    expect(await entityKeys()).toEqual([first.id]);
  });

  it('answers a retry after the entity was erased with the first outcome, without bringing its key back', async () => {
    const commandId = randomUUID();
    const first = await upsertEntity(rt, operator, 'player_1', { commandId });
    await new EraseEntityHandler(rt.commands, rt.cipher, rt.stores.requests).execute(
      new EraseEntityCommand(operator.operatorId, 'player_1', contextOf(keyActor(operator.keyId))),
    );

    const retried = await upsertEntity(rt, operator, 'player_1', { commandId, retry: true });

    expect(retried).toEqual(first);
    expect(await rt.stores.keys.get(operator.operatorId, first.id)).toBeNull();
    expect(await entityKeys()).toEqual([]);
    expect((await eventsOf(rt, await entityStreamOf(rt, operator.operatorId, 'player_1'))).map((event) => event.type)).toEqual(['EntityCreated', 'EntityErased']);
  });

  it('starts a new generation (new id, new key) when the externalId is upserted after an erasure', async () => {
    const first = await upsertEntity(rt, operator, 'player_1');
    await new EraseEntityHandler(rt.commands, rt.cipher, rt.stores.requests).execute(
      new EraseEntityCommand(operator.operatorId, 'player_1', contextOf(keyActor(operator.keyId))),
    );

    const second = await upsertEntity(rt, operator, 'player_1');

    expect(second).toMatchObject({ action: 'created' });
    expect(second.id).not.toBe(first.id);
    expect(await entityKeys()).toEqual([second.id]);
  });

  it("gives two racing upserts of a new externalId one entity: one 'created', one 'updated', the loser's orphan key destroyed", async () => {
    const stream = await entityStreamOf(rt, operator.operatorId, 'player_race');
    const commandIds = [randomUUID(), randomUUID()];
    const creates = jest.spyOn(rt.stores.keys, 'create');
    // Both read the stream (no entity yet) before either appends.
    const barrier = barrierOnReads(rt.stores.events, 2, (name) => name === stream);
    let answers;
    try {
      answers = await Promise.all(commandIds.map((commandId, index) => upsertEntity(rt, operator, 'player_race', { commandId, data: playerData({ vip_level: `v${index}` }) })));
    } finally {
      barrier.restore();
    }

    expect(answers.map((answer) => answer.action).sort()).toEqual(['created', 'updated']);
    const winner = answers.find((answer) => answer.action === 'created')!;
    const loserCommandId = commandIds[answers.indexOf(answers.find((answer) => answer.action === 'updated')!)]!;
    const orphan = commandScopedId(loserCommandId, 'ent_');
    expect(answers.map((answer) => answer.id)).toEqual([winner.id, winner.id]);
    // The loser had made a key for the entity it meant to create; it is gone, the winner's stays.
    expect(creates.mock.calls.map(([key]) => key.entityId).sort()).toEqual([winner.id, orphan].sort());
    expect(await rt.stores.keys.get(operator.operatorId, orphan)).toBeNull();
    expect(await entityKeys()).toEqual([winner.id]);
    const events = await eventsOf(rt, stream);
    expect(events.map((event) => [event.type, event.data.entityId])).toEqual([['EntityCreated', winner.id], ['EntityUpdated', winner.id]]);
    // The loser's data was sealed again, for the entity that won.
    const updated = events[1]!.data;
    await expect(rt.cipher.openEntityFields(operator.operatorId, winner.id, updated.data as Record<string, unknown>, updated.piiFields as string[])).resolves.toMatchObject({ first_name: 'James' });
    const live = (await rt.stores.read.find(Collections.entities, { where: { operatorId: operator.operatorId, erased: false }, orderBy: 'createdPosition', limit: 10 })) as EntityView[];
    expect(live.map((entity) => entity.id)).toEqual([winner.id]);
  });
});
