import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { DomainError, operatorStream, operatorTokensStream } from '@onehazel/domain';
import type { EventStore } from '@onehazel/event-store';
import { happenedBy, HistoryPage, historyPage, tokenStateOf } from '../../../audit/history-window';
import { EVENT_STORE } from '../../../infrastructure/tokens';
import { GetOperatorTokenHistoryQuery } from './get-operator-token-history.query';

/** An audit replay of the operator's token stream; another operator's token answers as one that does not exist. */
@QueryHandler(GetOperatorTokenHistoryQuery)
export class GetOperatorTokenHistoryHandler implements IQueryHandler<GetOperatorTokenHistoryQuery> {
  constructor(@Inject(EVENT_STORE) private readonly events: EventStore) {}

  async execute({ operatorId, tokenId, window, limit, cursor }: GetOperatorTokenHistoryQuery): Promise<HistoryPage> {
    const stream = await this.events.readStream(operatorTokensStream(operatorId));
    const own = stream.filter((event) => event.data.tokenId === tokenId);
    if (own.length === 0) throw new DomainError('UNKNOWN_OPERATOR_TOKEN', 'Operator token not found');
    const operatorEvents = window.asOf === undefined ? [] : await this.events.readStream(operatorStream(operatorId));
    return historyPage(own, window, { limit, cursor }, (asOf) => tokenStateOf(tokenId, happenedBy(stream, asOf), happenedBy(operatorEvents, asOf)));
  }
}
