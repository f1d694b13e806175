import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { Collections, EntityView } from '@onehazel/projections';
import { findPage, KeysetPage, ReadStore, Scalar } from '@onehazel/read-store';
import { READ_STORE } from '../../../infrastructure/tokens';
import { PersonalDataCipher } from '../../../personal-data/personal-data.cipher';
import { ListEntitiesQuery } from './list-entities.query';

@QueryHandler(ListEntitiesQuery)
export class ListEntitiesHandler implements IQueryHandler<ListEntitiesQuery> {
  constructor(
    @Inject(READ_STORE) private readonly read: ReadStore,
    private readonly personalData: PersonalDataCipher,
  ) {}

  async execute({ operatorId, entityType, limit, cursor }: ListEntitiesQuery): Promise<KeysetPage<EntityView>> {
    const where: Record<string, Scalar> = { operatorId, erased: false };
    if (entityType) where.entityType = entityType;
    const { items, nextCursor } = await findPage<EntityView>(this.read, Collections.entities, { where, orderBy: 'createdPosition', limit, cursor });
    // The externalId is the operator's handle on the record: opened (one data key per entity of the page,
    // cached), while the other personal fields stay envelopes. Entities of schemaVersion 1 (and read models
    // projected before the upgrade) hold it in clear.
    const named = await Promise.all(
      items.map(async (entity) => ({
        ...entity,
        externalId: entity.sealedExternalId ? await this.personalData.openExternalId(operatorId, entity.id, entity.sealedExternalId) : entity.externalId,
      })),
    );
    return { items: named, nextCursor };
  }
}
