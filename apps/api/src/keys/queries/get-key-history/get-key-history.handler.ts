import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { DomainError, keyRingStream, operatorStream, operatorTokensStream } from '@onehazel/domain';
import type { EventStore, RecordedEvent } from '@onehazel/event-store';
import { childKeyStateOf, happenedBy, HistoryPage, historyPage, keyStateOf } from '../../../audit/history-window';
import { EVENT_STORE } from '../../../infrastructure/tokens';
import { GetKeyHistoryQuery } from './get-key-history.query';

@QueryHandler(GetKeyHistoryQuery)
export class GetKeyHistoryHandler implements IQueryHandler<GetKeyHistoryQuery> {
  constructor(@Inject(EVENT_STORE) private readonly events: EventStore) {}

  async execute({ operatorId, keyId, window, limit, cursor }: GetKeyHistoryQuery): Promise<HistoryPage> {
    const ring = await this.events.readStream(keyRingStream(operatorId));
    let own = ring.filter(about(keyId));
    let stateAt = (asOf: string, operatorEvents: RecordedEvent[]) => keyStateOf(keyId, happenedBy(own, asOf), operatorEvents);
    if (own.length === 0) {
      // A child key's history is in its operator's token stream: minted by which token, for which agent, revoked how.
      const tokenEvents = await this.events.readStream(operatorTokensStream(operatorId));
      own = tokenEvents.filter(about(keyId));
      stateAt = (asOf, operatorEvents) => childKeyStateOf(keyId, happenedBy(tokenEvents, asOf), operatorEvents);
    }
    // Another operator's key has no history in this operator's streams: not found, like one that never was.
    if (own.length === 0) throw new DomainError('API_KEY_NOT_FOUND', 'API key not found');
    const operatorEvents = window.asOf === undefined ? [] : await this.events.readStream(operatorStream(operatorId));
    return historyPage(own, window, { limit, cursor }, (asOf) => stateAt(asOf, happenedBy(operatorEvents, asOf)));
  }
}

const about = (keyId: string) => (event: RecordedEvent) => event.data.keyId === keyId;
