import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { keyRingStream, operatorStream } from '@onehazel/domain';
import { comparePositions, EventStore, RecordedEvent } from '@onehazel/event-store';
import { EVENT_STORE } from '../../../infrastructure/tokens';
import { History, HistoryEntry } from './key-history.query';

/** Fields never shown in a history, whatever the event. */
const HIDDEN = new Set(['keyHash']);

@QueryHandler(History)
export class HistoryHandler implements IQueryHandler<History> {
  constructor(@Inject(EVENT_STORE) private readonly events: EventStore) {}

  async execute({ operatorId, keyId }: History): Promise<HistoryEntry[]> {
    const keyEvents = await this.events.readStream(keyRingStream(operatorId));
    if (keyId !== null) return keyEvents.filter((e) => e.data.keyId === keyId).map(toEntry);
    const operatorEvents = await this.events.readStream(operatorStream(operatorId));
    return [...operatorEvents, ...keyEvents].sort((a, b) => comparePositions(a.position, b.position)).map(toEntry);
  }
}

function toEntry(event: RecordedEvent): HistoryEntry {
  const metadata = event.metadata as { at?: string; actor?: { kind: string; id: string }; requestId?: string };
  const data = Object.fromEntries(Object.entries(event.data).filter(([name]) => !HIDDEN.has(name)));
  return {
    type: event.type,
    at: metadata.at ?? event.recordedAt,
    actor: metadata.actor ?? { kind: 'unknown', id: 'unknown' },
    requestId: metadata.requestId ?? 'unknown',
    keyId: typeof event.data.keyId === 'string' ? event.data.keyId : null,
    data,
  };
}
