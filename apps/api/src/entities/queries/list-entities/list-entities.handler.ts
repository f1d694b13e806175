import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { Collections, EntityView } from '@onehazel/projections';
import { findPage, KeysetPage, ReadStore, Scalar } from '@onehazel/read-store';
import { READ_STORE } from '../../../infrastructure/tokens';
import { ListEntitiesQuery } from './list-entities.query';

@QueryHandler(ListEntitiesQuery)
export class ListEntitiesHandler implements IQueryHandler<ListEntitiesQuery> {
  constructor(@Inject(READ_STORE) private readonly read: ReadStore) {}

  execute({ operatorId, entityType, limit, cursor }: ListEntitiesQuery): Promise<KeysetPage<EntityView>> {
    const where: Record<string, Scalar> = { operatorId, erased: false };
    if (entityType) where.entityType = entityType;
    return findPage<EntityView>(this.read, Collections.entities, { where, orderBy: 'createdPosition', limit, cursor });
  }
}
