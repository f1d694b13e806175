import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { keyRingStream, operatorStream } from '@onehazel/domain';
import { comparePositions, EventStore } from '@onehazel/event-store';
import { KeysetPage, pageOfList } from '@onehazel/read-store';
import { HistoryEntry, toHistoryEntry } from '../../../audit/history-entry';
import { EVENT_STORE } from '../../../infrastructure/tokens';
import { GetOperatorHistoryQuery } from './get-operator-history.query';

@QueryHandler(GetOperatorHistoryQuery)
export class GetOperatorHistoryHandler implements IQueryHandler<GetOperatorHistoryQuery> {
  constructor(@Inject(EVENT_STORE) private readonly events: EventStore) {}

  async execute({ operatorId, limit, cursor }: GetOperatorHistoryQuery): Promise<KeysetPage<HistoryEntry>> {
    const [operatorEvents, keyEvents] = await Promise.all([
      this.events.readStream(operatorStream(operatorId)),
      this.events.readStream(keyRingStream(operatorId)),
    ]);
    const entries = [...operatorEvents, ...keyEvents].sort((a, b) => comparePositions(a.position, b.position)).map(toHistoryEntry);
    return pageOfList(entries, limit, cursor);
  }
}
