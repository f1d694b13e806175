import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { DomainError, keyRingStream, operatorTokensStream } from '@onehazel/domain';
import type { EventStore } from '@onehazel/event-store';
import { KeysetPage, pageOfList } from '@onehazel/read-store';
import { HistoryEntry, toHistoryEntry } from '../../../audit/history-entry';
import { EVENT_STORE } from '../../../infrastructure/tokens';
import { GetKeyHistoryQuery } from './get-key-history.query';

@QueryHandler(GetKeyHistoryQuery)
export class GetKeyHistoryHandler implements IQueryHandler<GetKeyHistoryQuery> {
  constructor(@Inject(EVENT_STORE) private readonly events: EventStore) {}

  async execute({ operatorId, keyId, limit, cursor }: GetKeyHistoryQuery): Promise<KeysetPage<HistoryEntry>> {
    let entries = await this.historyIn(keyRingStream(operatorId), keyId);
    // A child key's history is in its operator's token stream: minted by which token, for which agent, revoked how.
    if (entries.length === 0) entries = await this.historyIn(operatorTokensStream(operatorId), keyId);
    // Another operator's key has no history in this operator's streams: not found, like one that never was.
    if (entries.length === 0) throw new DomainError('API_KEY_NOT_FOUND', 'API key not found');
    return pageOfList(entries, limit, cursor);
  }

  private async historyIn(stream: string, keyId: string): Promise<HistoryEntry[]> {
    return (await this.events.readStream(stream)).filter((event) => event.data.keyId === keyId).map(toHistoryEntry);
  }
}
