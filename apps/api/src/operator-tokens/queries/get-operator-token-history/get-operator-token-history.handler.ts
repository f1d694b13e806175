import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { auditHistory, AuditReplay, auditSubject, hasHistory, HistoryPage } from '@onehazel/audit';
import { DomainError } from '@onehazel/domain';
import type { EventStore } from '@onehazel/event-store';
import type { ReadStore } from '@onehazel/read-store';
import { EVENT_STORE, READ_STORE } from '../../../infrastructure/tokens';
import { GetOperatorTokenHistoryQuery } from './get-operator-token-history.query';

/**
 * A page of the token's audit entries (with its child keys'); with asOf, its state folded from the
 * operator's token stream. Another operator's token answers as one that does not exist.
 */
@QueryHandler(GetOperatorTokenHistoryQuery)
export class GetOperatorTokenHistoryHandler implements IQueryHandler<GetOperatorTokenHistoryQuery> {
  private readonly replay: AuditReplay;

  constructor(
    @Inject(EVENT_STORE) events: EventStore,
    @Inject(READ_STORE) private readonly read: ReadStore,
  ) {
    this.replay = new AuditReplay(events);
  }

  async execute({ operatorId, tokenId, window, limit, cursor }: GetOperatorTokenHistoryQuery): Promise<HistoryPage> {
    const subject = auditSubject.token(operatorId, tokenId);
    const page = await auditHistory(this.read, subject, window, { limit, cursor }, () => this.replay.token(operatorId, tokenId));
    if (!(await hasHistory(this.read, subject, page))) throw new DomainError('UNKNOWN_OPERATOR_TOKEN', 'Operator token not found');
    return page;
  }
}
