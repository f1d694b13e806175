import { Inject } from '@nestjs/common';
import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { CryptoError, EntityKeyring, isEnvelope, open } from '@onehazel/crypto';
import { DomainError } from '@onehazel/domain';
import { Collections, EntityView } from '@onehazel/projections';
import type { ReadStore, Scalar } from '@onehazel/read-store';
import { KEYRING, READ_STORE } from '../../infrastructure/tokens';
import { decodeCursor, encodeCursor } from '../../shared/http/pagination';

/** One live entity by externalId, personal fields decrypted. */
export class GetEntity extends Query<EntityView> {
  constructor(
    readonly operatorId: string,
    readonly externalId: string,
  ) {
    super();
  }
}

/** The operator's live entities, personal fields left as envelopes (seed 001: bulk reads stay encrypted). */
export class ListEntities extends Query<{ entities: EntityView[]; nextCursor: string | null }> {
  constructor(
    readonly operatorId: string,
    readonly entityType: string | undefined,
    readonly limit: number,
    readonly cursor: string | undefined,
  ) {
    super();
  }
}

export async function findLiveEntity(read: ReadStore, operatorId: string, externalId: string): Promise<EntityView> {
  const [entity] = (await read.find(Collections.entities, { where: { operatorId, externalId, erased: false }, limit: 1 })) as EntityView[];
  if (!entity) throw new DomainError('ENTITY_NOT_FOUND', 'Entity not found');
  return entity;
}

@QueryHandler(GetEntity)
export class GetEntityHandler implements IQueryHandler<GetEntity> {
  constructor(
    @Inject(READ_STORE) private readonly read: ReadStore,
    @Inject(KEYRING) private readonly keyring: EntityKeyring,
  ) {}

  async execute({ operatorId, externalId }: GetEntity): Promise<EntityView> {
    const entity = await findLiveEntity(this.read, operatorId, externalId);
    const sealed = entity.piiFields.filter((field) => Object.hasOwn(entity.data, field));
    if (sealed.length === 0) return entity;
    // A personal field that is not an envelope was written by something else than this API: never serve it.
    if (sealed.some((field) => !isEnvelope(entity.data[field]))) throw unreadable('ENVELOPE_MALFORMED');
    const key = await this.keyring.forEntity(operatorId, entity.id, { create: false });
    if (!key) throw unreadable();
    const data: Record<string, unknown> = { ...entity.data };
    try {
      for (const field of sealed) data[field] = open(key, { operatorId, entityId: entity.id, field }, data[field] as string);
    } catch (error) {
      if (error instanceof CryptoError) throw unreadable(error.code);
      throw error;
    }
    return { ...entity, data };
  }
}

/** Never wrong data: an envelope that does not open is an error, with no plaintext or key in it. */
function unreadable(reason?: string): DomainError {
  return new DomainError('DATA_UNREADABLE', 'Stored personal data could not be decrypted', reason ? { reason } : undefined);
}

@QueryHandler(ListEntities)
export class ListEntitiesHandler implements IQueryHandler<ListEntities> {
  constructor(@Inject(READ_STORE) private readonly read: ReadStore) {}

  async execute({ operatorId, entityType, limit, cursor }: ListEntities) {
    const where: Record<string, Scalar> = { operatorId, erased: false };
    if (entityType) where.entityType = entityType;
    const found = (await this.read.find(Collections.entities, {
      where,
      orderBy: 'createdPosition',
      after: cursor === undefined ? undefined : decodeCursor(cursor),
      limit: limit + 1,
    })) as EntityView[];
    const entities = found.slice(0, limit);
    const last = entities[entities.length - 1];
    const nextCursor = found.length > limit && last ? encodeCursor({ value: last.createdPosition, id: last.id }) : null;
    return { entities, nextCursor };
  }
}
