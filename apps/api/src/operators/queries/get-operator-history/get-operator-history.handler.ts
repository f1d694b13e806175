import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { keyRingDecider, KeyRingEvent, keyRingStream, operatorStream } from '@onehazel/domain';
import { comparePositions, EventStore } from '@onehazel/event-store';
import { happenedBy, HistoryPage, historyPage, operatorStateOf } from '../../../audit/history-window';
import { EVENT_STORE } from '../../../infrastructure/tokens';
import { GetOperatorHistoryQuery } from './get-operator-history.query';

@QueryHandler(GetOperatorHistoryQuery)
export class GetOperatorHistoryHandler implements IQueryHandler<GetOperatorHistoryQuery> {
  constructor(@Inject(EVENT_STORE) private readonly events: EventStore) {}

  async execute({ operatorId, window, limit, cursor }: GetOperatorHistoryQuery): Promise<HistoryPage> {
    const [operatorEvents, keyEvents] = await Promise.all([
      this.events.readStream(operatorStream(operatorId)),
      this.events.readStream(keyRingStream(operatorId)),
    ]);
    const events = [...operatorEvents, ...keyEvents].sort((a, b) => comparePositions(a.position, b.position));
    return historyPage(events, window, { limit, cursor }, (asOf) => {
      const operator = operatorStateOf(happenedBy(operatorEvents, asOf));
      if (!operator) return null;
      // The key ring as its commands folded it then: its keys that were not revoked.
      const ring = (happenedBy(keyEvents, asOf) as unknown as KeyRingEvent[]).reduce(keyRingDecider.evolve, keyRingDecider.initialState());
      return { ...operator, activeKeys: [...ring.keys.values()].filter((key) => !key.revoked).length };
    });
  }
}
