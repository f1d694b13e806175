import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { AuditReplay, HistoryPage, historyPage } from '@onehazel/audit';
import { DomainError } from '@onehazel/domain';
import type { EventStore } from '@onehazel/event-store';
import { EVENT_STORE } from '../../../infrastructure/tokens';
import { GetKeyHistoryQuery } from './get-key-history.query';

@QueryHandler(GetKeyHistoryQuery)
export class GetKeyHistoryHandler implements IQueryHandler<GetKeyHistoryQuery> {
  private readonly replay: AuditReplay;

  constructor(@Inject(EVENT_STORE) events: EventStore) {
    this.replay = new AuditReplay(events);
  }

  async execute({ operatorId, keyId, window, limit, cursor }: GetKeyHistoryQuery): Promise<HistoryPage> {
    const subject = await this.replay.key(operatorId, keyId);
    // Another operator's key has no history in this operator's streams: not found, like one that never was.
    if (!subject) throw new DomainError('API_KEY_NOT_FOUND', 'API key not found');
    return historyPage(subject.events, window, { limit, cursor }, subject.stateAt);
  }
}
