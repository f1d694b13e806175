import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { Collections, EntityStateView } from '@onehazel/projections';
import type { ReadStore } from '@onehazel/read-store';
import { findLiveEntity } from '../../../entities/live-entity';
import { READ_STORE } from '../../../infrastructure/tokens';
import { PersonalDataCipher } from '../../../personal-data/personal-data.cipher';
import { EntityState, GetEntityStateQuery } from './get-entity-state.query';

@QueryHandler(GetEntityStateQuery)
export class GetEntityStateHandler implements IQueryHandler<GetEntityStateQuery> {
  constructor(
    @Inject(READ_STORE) private readonly read: ReadStore,
    private readonly personalData: PersonalDataCipher,
  ) {}

  async execute({ operatorId, externalId }: GetEntityStateQuery): Promise<EntityState> {
    const entity = await findLiveEntity(this.read, this.personalData, operatorId, externalId);
    // No state yet: an entity with no events.
    const state = (await this.read.get(Collections.entityStates, entity.id)) as EntityStateView | null;
    return { eventCount: state?.eventCount ?? 0, byType: state?.byType ?? {}, firstSeen: state?.firstSeen ?? null, lastSeen: state?.lastSeen ?? null };
  }
}
