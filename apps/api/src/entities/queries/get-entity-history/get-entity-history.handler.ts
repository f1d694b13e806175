import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { ConsistentCommands } from '@onehazel/commands';
import { happenedBy, HistoryPage, historyPage } from '@onehazel/audit';
import { DomainError, entityDecider, EntityEvent } from '@onehazel/domain';
import { locateEntity } from '../../entity-stream';
import { PersonalDataCipher } from '../../../personal-data/personal-data.cipher';
import { GetEntityHistoryQuery } from './get-entity-history.query';

@QueryHandler(GetEntityHistoryQuery)
export class GetEntityHistoryHandler implements IQueryHandler<GetEntityHistoryQuery> {
  constructor(
    private readonly commands: ConsistentCommands,
    private readonly personalData: PersonalDataCipher,
  ) {}

  async execute({ operatorId, externalId, window, limit, cursor }: GetEntityHistoryQuery): Promise<HistoryPage> {
    // The stream is named by the externalId's keyed hash: found the same way after an erasure.
    const { loaded } = await locateEntity(this.commands, this.personalData, operatorId, externalId, { create: false });
    const events = loaded.recorded;
    if (events.length === 0) throw new DomainError('ENTITY_NOT_FOUND', 'Entity not found');
    const first = events[0]!.data as { entityType?: unknown };
    const answered = historyPage(events, window, { limit, cursor }, (asOf) => {
      const state = (happenedBy(events, asOf) as unknown as EntityEvent[]).reduce(entityDecider.evolve, entityDecider.initialState());
      return state.status === 'none' ? null : { status: state.status, entityType: typeof first.entityType === 'string' ? first.entityType : null };
    });
    // No data, sealed or not, nor the id of its data key: the type, the time, who, which request, and what in words.
    const bare = <T extends { data: Record<string, unknown>; keyId: string | null }>(entry: T): T => ({ ...entry, keyId: null, data: {} });
    return {
      ...answered,
      items: answered.items.map(bare),
      ...(answered.asOf ? { asOf: { ...answered.asOf, ...(answered.asOf.event ? { event: bare(answered.asOf.event) } : {}) } } : {}),
    };
  }
}
