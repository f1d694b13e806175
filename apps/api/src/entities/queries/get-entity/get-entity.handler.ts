import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import type { EntityView } from '@onehazel/projections';
import type { ReadStore } from '@onehazel/read-store';
import { READ_STORE } from '../../../infrastructure/tokens';
import { PersonalDataCipher } from '../../../personal-data/personal-data.cipher';
import { findLiveEntity } from '../../live-entity';
import { GetEntityQuery } from './get-entity.query';

@QueryHandler(GetEntityQuery)
export class GetEntityHandler implements IQueryHandler<GetEntityQuery> {
  constructor(
    @Inject(READ_STORE) private readonly read: ReadStore,
    private readonly personalData: PersonalDataCipher,
  ) {}

  async execute({ operatorId, externalId }: GetEntityQuery): Promise<EntityView> {
    const entity = await findLiveEntity(this.read, this.personalData, operatorId, externalId);
    return { ...entity, data: await this.personalData.openEntityFields(operatorId, entity.id, entity.data, entity.piiFields) };
  }
}
