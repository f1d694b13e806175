import { ProjectionSpec } from '../projection.spec-helper';
import { Collections, EntityView } from './read-models';

/** The keyed hash the API computes of an externalId (any string will do here). */
const hashOf = (externalId: string) => `hmac-${externalId.length}-${[...externalId].reverse().join('')}`;

const created = (entityId: string, externalId: string, fields: { operatorId?: string; entityType?: string; email?: string } = {}) =>
  ({
    type: 'EntityCreated',
    data: {
      entityId,
      operatorId: fields.operatorId ?? 'op_1',
      externalIdHash: hashOf(externalId),
      sealedExternalId: `oh1.sealed-id-of-${entityId}`,
      entityType: fields.entityType ?? 'player',
      data: { email: fields.email ?? `oh1.sealed-email-of-${entityId}`, country: 'GB' },
      piiFields: ['email'],
      keyId: `key-${entityId}`,
      createdAt: `created-${entityId}`,
    },
  }) as const;
const updated = (entityId: string, data: Record<string, unknown>, entityType = 'player') =>
  ({ type: 'EntityUpdated', data: { entityId, operatorId: 'op_1', entityType, data, piiFields: Object.keys(data).filter((f) => f === 'email'), keyId: `key-${entityId}`, updatedAt: `updated-${entityId}` } }) as const;
const erased = (entityId: string) => ({ type: 'EntityErased', data: { entityId, operatorId: 'op_1', erasedAt: `erased-${entityId}` } }) as const;
/** What schemaVersion 1 recorded: the externalId in clear, in the creation and in the erasure. */
const legacyCreated = (entityId: string, externalId: string) =>
  ({
    type: 'EntityCreated',
    data: { entityId, operatorId: 'op_1', externalId, entityType: 'player', data: {}, piiFields: [], keyId: `key-${entityId}`, createdAt: `created-${entityId}` },
  }) as const;
const legacyErased = (entityId: string, externalId: string) =>
  ({ type: 'EntityErased', data: { entityId, operatorId: 'op_1', externalId, erasedAt: `erased-${entityId}` } }) as const;

/** Given these events, then this read model: the entities an operator lists and looks up. */
describe('entities projection', () => {
  let spec: ProjectionSpec;
  const entity = async (id: string) => (await spec.get<EntityView>(Collections.entities, id))!;
  /** What GET /entities/:externalId reads: the live entity of that externalId's keyed hash. */
  const live = (externalId: string, operatorId = 'op_1') =>
    spec.find<EntityView>(Collections.entities, { where: { operatorId, externalIdHash: hashOf(externalId), erased: false }, limit: 2 });
  /** What it reads on a miss: an entity of schemaVersion 1, by its externalId in clear. */
  const liveLegacy = (externalId: string) => spec.find<EntityView>(Collections.entities, { where: { operatorId: 'op_1', externalId, erased: false }, limit: 2 });
  /** What GET /entities lists: the operator's live entities in creation order, maybe of one type. */
  const listed = async (where: Record<string, string> = {}) =>
    (await spec.find<EntityView>(Collections.entities, { where: { operatorId: 'op_1', erased: false, ...where }, orderBy: 'createdPosition', limit: 100 })).map((e) => e.id);

  beforeEach(async () => {
    spec = await ProjectionSpec.start();
  });

  it('projects a created entity with its personal fields as the envelopes it was given', async () => {
    await spec.given(created('ent_1', 'player_1'));
    expect(await entity('ent_1')).toEqual({
      id: 'ent_1',
      operatorId: 'op_1',
      externalIdHash: hashOf('player_1'),
      sealedExternalId: 'oh1.sealed-id-of-ent_1',
      externalId: null,
      entityType: 'player',
      data: { email: 'oh1.sealed-email-of-ent_1', country: 'GB' },
      piiFields: ['email'],
      erased: false,
      createdAt: 'created-ent_1',
      updatedAt: 'created-ent_1',
      erasedAt: null,
      createdPosition: expect.any(String),
    });
    expect((await live('player_1')).map((e) => e.id)).toEqual(['ent_1']);
  });

  it('replaces data, type and personal fields on update, keeping the creation', async () => {
    await spec.given(created('ent_1', 'player_1'), updated('ent_1', { country: 'FR' }, 'vip'));
    expect(await entity('ent_1')).toMatchObject({
      entityType: 'vip',
      data: { country: 'FR' },
      piiFields: [],
      createdAt: 'created-ent_1',
      updatedAt: 'updated-ent_1',
    });
    expect(await listed({ entityType: 'player' })).toEqual([]);
    expect(await listed({ entityType: 'vip' })).toEqual(['ent_1']);
  });

  it('lists an operator’s live entities in creation order, whatever their ids, by type or not', async () => {
    await spec.given(
      created('ent_c', 'player_c'),
      created('ent_a', 'game_a', { entityType: 'game' }),
      created('ent_x', 'player_x', { operatorId: 'op_2' }),
      created('ent_b', 'player_b'),
      created('ent_d', 'player_d'),
      erased('ent_d'),
    );
    expect(await listed()).toEqual(['ent_c', 'ent_a', 'ent_b']);
    expect(await listed({ entityType: 'player' })).toEqual(['ent_c', 'ent_b']);
    // Creation order holds across batches too, and positions past 9 sort as numbers, not as text.
    for (let i = 0; i < 10; i++) await spec.given(created(`ent_${9 - i}`, `later_${i}`));
    expect((await listed()).slice(3)).toEqual(['ent_9', 'ent_8', 'ent_7', 'ent_6', 'ent_5', 'ent_4', 'ent_3', 'ent_2', 'ent_1', 'ent_0']);
  });

  it('turns an erased entity into a deletion marker with no personal data, hidden from lookups and lists', async () => {
    await spec.given(created('ent_1', 'player_1', { email: 'oh1.sealed-secret' }), created('ent_2', 'player_2'));
    await spec.given(erased('ent_1'));
    expect(await entity('ent_1')).toEqual({
      id: 'ent_1',
      operatorId: 'op_1',
      externalIdHash: null,
      sealedExternalId: null,
      externalId: null,
      entityType: 'player',
      data: {},
      piiFields: [],
      erased: true,
      createdAt: 'created-ent_1',
      updatedAt: 'erased-ent_1',
      erasedAt: 'erased-ent_1',
      createdPosition: expect.any(String),
    });
    expect(JSON.stringify(await entity('ent_1'))).not.toMatch(/sealed-secret|sealed-id|hmac/);
    expect(await live('player_1')).toEqual([]);
    expect(await listed()).toEqual(['ent_2']);
  });

  it('ignores an update that reaches an erased entity: the marker stays a marker', async () => {
    await spec.given(created('ent_1', 'player_1'), erased('ent_1'), updated('ent_1', { email: 'oh1.sealed-late' }));
    expect(await entity('ent_1')).toMatchObject({ erased: true, data: {}, piiFields: [], updatedAt: 'erased-ent_1' });
  });

  it('erases an entity created and updated in the same batch as its erasure', async () => {
    await spec.givenOneBatch(created('ent_1', 'player_1'), updated('ent_1', { email: 'oh1.sealed-new' }), erased('ent_1'));
    expect(await entity('ent_1')).toMatchObject({ erased: true, data: {}, piiFields: [] });
  });

  it('finds a new entity under an externalId whose earlier entity was erased, the old one still a marker', async () => {
    await spec.given(created('ent_1', 'player_1'), erased('ent_1'), created('ent_2', 'player_1'));
    expect((await live('player_1')).map((e) => e.id)).toEqual(['ent_2']);
    expect(await entity('ent_1')).toMatchObject({ erased: true });
    expect(await live('player_1', 'op_2')).toEqual([]);
  });

  it('ends a rebuild from the log the same way: the erased entity is still erased', async () => {
    const log = await spec.given(created('ent_1', 'player_1'), updated('ent_1', { email: 'oh1.sealed-x' }), erased('ent_1'), created('ent_2', 'player_2'));
    const before = await spec.find(Collections.entities, { limit: 100 });
    await spec.store.reset('main', [Collections.entities]);
    expect(await spec.find(Collections.entities, { limit: 100 })).toEqual([]);
    await spec.batch(log, null);
    expect(await spec.find(Collections.entities, { limit: 100 })).toEqual(before);
    expect(await entity('ent_1')).toMatchObject({ erased: true, data: {} });
  });

  it('finds an entity of schemaVersion 1 by its externalId in clear, and its erasure leaves the marker without it', async () => {
    await spec.given(legacyCreated('ent_0', 'player_0'));
    expect(await entity('ent_0')).toMatchObject({ externalIdHash: null, externalId: 'player_0', erased: false });
    expect((await liveLegacy('player_0')).map((e) => e.id)).toEqual(['ent_0']);
    expect(await live('player_0')).toEqual([]);
    await spec.given(legacyErased('ent_0', 'player_0'));
    expect(await entity('ent_0')).toMatchObject({ externalIdHash: null, sealedExternalId: null, externalId: null, erased: true });
    expect(await liveLegacy('player_0')).toEqual([]);
  });
});
