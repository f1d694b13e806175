import { ownValue, type EntityErased, type EntityEventRecorded } from '@onehazel/domain';
import { RecordedEvent, sortablePosition } from '@onehazel/event-store';
import type { Projection, ReadModelWriter } from '../projection';
import { Collections, EntityEventView, EntityStateView, EntityView } from './read-models';

/** Numbers outside the personal fields are summed per event type (deposit amounts, bet stakes...). */
function numericFields(event: EntityEventRecorded['data']): [string, number][] {
  return Object.entries(event.data).filter(
    (entry): entry is [string, number] => !event.piiFields.includes(entry[0]) && typeof entry[1] === 'number' && Number.isFinite(entry[1]),
  );
}

/**
 * Entities' activity events and the states derived from them. On erasure, the states are removed and
 * the events' payloads stripped (DESIGN.md §6); events recorded for an erased entity are not kept.
 */
export const entityActivityProjection: Projection = {
  name: 'entity-activity',
  collections: [Collections.entityEvents, Collections.entityStates],
  reads: [Collections.entities],
  indexes: [{ collection: Collections.entityEvents, fields: ['entityId', 'recordedPosition'] }],
  async apply(recorded: RecordedEvent, writer: ReadModelWriter): Promise<void> {
    const event = recorded as unknown as EntityEventRecorded | EntityErased;
    if (event.type === 'EntityErased') {
      writer.delete(Collections.entityStates, event.data.entityId);
      writer.patchWhere(Collections.entityEvents, { entityId: event.data.entityId }, { data: {}, piiFields: [], redacted: true });
      return;
    }
    if (event.type !== 'EntityEventRecorded') return;
    const entity = await writer.get<EntityView>(Collections.entities, event.data.entityId);
    if (!entity || entity.erased) return;
    // An event of schemaVersion 1 also named the externalId in clear: it is not kept.
    const { eventId, entityId, operatorId, eventType, occurredAt, data, piiFields, recordedAt } = event.data;
    const view: EntityEventView = {
      id: eventId,
      operatorId,
      entityId,
      eventType,
      occurredAt,
      data,
      piiFields,
      redacted: false,
      recordedAt,
      recordedPosition: sortablePosition(recorded.position),
    };
    writer.put(Collections.entityEvents, view);
    const state = (await writer.get<EntityStateView>(Collections.entityStates, entityId)) ?? {
      id: entityId,
      operatorId,
      eventCount: 0,
      byType: {},
      firstSeen: occurredAt,
      lastSeen: occurredAt,
    };
    // Event types and field names are the user's: own properties only, so "constructor" counts like "deposit".
    const type = ownValue(state.byType, eventType) ?? { count: 0, sums: {} };
    const sums = Object.assign(Object.create(null) as Record<string, number>, type.sums);
    for (const [field, value] of numericFields(event.data)) sums[field] = (ownValue(sums, field) ?? 0) + value;
    writer.put(Collections.entityStates, {
      ...state,
      eventCount: state.eventCount + 1,
      byType: { ...state.byType, [eventType]: { count: type.count + 1, sums } },
      firstSeen: occurredAt < state.firstSeen ? occurredAt : state.firstSeen,
      lastSeen: occurredAt > state.lastSeen ? occurredAt : state.lastSeen,
    });
  },
};
