import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { Collections, EntityEventView } from '@onehazel/projections';
import { findPage, KeysetPage, ReadStore } from '@onehazel/read-store';
import { findLiveEntity } from '../../../entities/live-entity';
import { READ_STORE } from '../../../infrastructure/tokens';
import { PersonalDataCipher } from '../../../personal-data/personal-data.cipher';
import { ListEntityEventsQuery } from './list-entity-events.query';

@QueryHandler(ListEntityEventsQuery)
export class ListEntityEventsHandler implements IQueryHandler<ListEntityEventsQuery> {
  constructor(
    @Inject(READ_STORE) private readonly read: ReadStore,
    private readonly personalData: PersonalDataCipher,
  ) {}

  async execute({ operatorId, externalId, limit, cursor }: ListEntityEventsQuery): Promise<KeysetPage<EntityEventView>> {
    const entity = await findLiveEntity(this.read, this.personalData, operatorId, externalId);
    return findPage<EntityEventView>(this.read, Collections.entityEvents, { where: { entityId: entity.id }, orderBy: 'recordedPosition', limit, cursor });
  }
}
