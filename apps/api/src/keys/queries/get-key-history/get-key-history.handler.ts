import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { DomainError, keyRingStream } from '@onehazel/domain';
import type { EventStore } from '@onehazel/event-store';
import { KeysetPage, pageOfList } from '@onehazel/read-store';
import { HistoryEntry, toHistoryEntry } from '../../../audit/history-entry';
import { EVENT_STORE } from '../../../infrastructure/tokens';
import { GetKeyHistoryQuery } from './get-key-history.query';

@QueryHandler(GetKeyHistoryQuery)
export class GetKeyHistoryHandler implements IQueryHandler<GetKeyHistoryQuery> {
  constructor(@Inject(EVENT_STORE) private readonly events: EventStore) {}

  async execute({ operatorId, keyId, limit, cursor }: GetKeyHistoryQuery): Promise<KeysetPage<HistoryEntry>> {
    const entries = (await this.events.readStream(keyRingStream(operatorId))).filter((e) => e.data.keyId === keyId).map(toHistoryEntry);
    // Another operator's key has no history in this operator's key ring: not found, like one that never was.
    if (entries.length === 0) throw new DomainError('API_KEY_NOT_FOUND', 'API key not found');
    return pageOfList(entries, limit, cursor);
  }
}
