import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { auditHistory, AuditReplay, auditSubject, HistoryPage } from '@onehazel/audit';
import type { EventStore } from '@onehazel/event-store';
import type { ReadStore } from '@onehazel/read-store';
import { EVENT_STORE, READ_STORE } from '../../../infrastructure/tokens';
import { GetOperatorHistoryQuery } from './get-operator-history.query';

/** A page of the operator's audit entries (its own events and its keys'); with asOf, its state folded from the log. */
@QueryHandler(GetOperatorHistoryQuery)
export class GetOperatorHistoryHandler implements IQueryHandler<GetOperatorHistoryQuery> {
  private readonly replay: AuditReplay;

  constructor(
    @Inject(EVENT_STORE) events: EventStore,
    @Inject(READ_STORE) private readonly read: ReadStore,
  ) {
    this.replay = new AuditReplay(events);
  }

  execute({ operatorId, window, limit, cursor }: GetOperatorHistoryQuery): Promise<HistoryPage> {
    return auditHistory(this.read, auditSubject.operator(operatorId), window, { limit, cursor }, () => this.replay.operator(operatorId));
  }
}
