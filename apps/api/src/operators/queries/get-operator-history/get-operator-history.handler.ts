import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { AuditReplay, HistoryPage, historyPage } from '@onehazel/audit';
import type { EventStore } from '@onehazel/event-store';
import { EVENT_STORE } from '../../../infrastructure/tokens';
import { GetOperatorHistoryQuery } from './get-operator-history.query';

@QueryHandler(GetOperatorHistoryQuery)
export class GetOperatorHistoryHandler implements IQueryHandler<GetOperatorHistoryQuery> {
  private readonly replay: AuditReplay;

  constructor(@Inject(EVENT_STORE) events: EventStore) {
    this.replay = new AuditReplay(events);
  }

  async execute({ operatorId, window, limit, cursor }: GetOperatorHistoryQuery): Promise<HistoryPage> {
    const { events, stateAt } = await this.replay.operator(operatorId);
    return historyPage(events, window, { limit, cursor }, stateAt);
  }
}
