import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { AuditReplay, HistoryPage, historyPage } from '@onehazel/audit';
import { DomainError } from '@onehazel/domain';
import type { EventStore } from '@onehazel/event-store';
import { EVENT_STORE } from '../../../infrastructure/tokens';
import { GetOperatorTokenHistoryQuery } from './get-operator-token-history.query';

/** An audit replay of the operator's token stream; another operator's token answers as one that does not exist. */
@QueryHandler(GetOperatorTokenHistoryQuery)
export class GetOperatorTokenHistoryHandler implements IQueryHandler<GetOperatorTokenHistoryQuery> {
  private readonly replay: AuditReplay;

  constructor(@Inject(EVENT_STORE) events: EventStore) {
    this.replay = new AuditReplay(events);
  }

  async execute({ operatorId, tokenId, window, limit, cursor }: GetOperatorTokenHistoryQuery): Promise<HistoryPage> {
    const subject = await this.replay.token(operatorId, tokenId);
    if (!subject) throw new DomainError('UNKNOWN_OPERATOR_TOKEN', 'Operator token not found');
    return historyPage(subject.events, window, { limit, cursor }, subject.stateAt);
  }
}
