import type { EntityEvent } from '@onehazel/domain';
import { RecordedEvent, sortablePosition } from '@onehazel/event-store';
import type { Projection, ReadModelWriter } from '../projection';
import { Collections, EntityView } from './read-models';

/**
 * Operators' entities, personal fields and the externalId as envelopes, found by the externalId's keyed
 * hash; an erased entity becomes a deletion marker that holds neither. Entities recorded with the
 * externalId in clear (schemaVersion 1) keep it, and are found by it (their own index), until erased.
 */
export const entitiesProjection: Projection = {
  name: 'entities',
  collections: [Collections.entities],
  indexes: [
    { collection: Collections.entities, fields: ['operatorId', 'externalIdHash', 'erased'] },
    { collection: Collections.entities, fields: ['operatorId', 'externalId', 'erased'] },
    { collection: Collections.entities, fields: ['operatorId', 'erased', 'createdPosition'] },
    { collection: Collections.entities, fields: ['operatorId', 'entityType', 'erased', 'createdPosition'] },
  ],
  async apply(recorded: RecordedEvent, writer: ReadModelWriter): Promise<void> {
    const event = recorded as unknown as EntityEvent;
    switch (event.type) {
      case 'EntityCreated': {
        const { entityId, operatorId, entityType, data, piiFields, createdAt } = event.data;
        const named = 'externalIdHash' in event.data
          ? { externalIdHash: event.data.externalIdHash, sealedExternalId: event.data.sealedExternalId, externalId: null }
          : { externalIdHash: null, sealedExternalId: null, externalId: event.data.externalId };
        const view: EntityView = {
          id: entityId,
          operatorId,
          ...named,
          entityType,
          data,
          piiFields,
          erased: false,
          createdAt,
          updatedAt: createdAt,
          erasedAt: null,
          createdPosition: sortablePosition(recorded.position),
        };
        writer.put(Collections.entities, view);
        return;
      }
      case 'EntityUpdated': {
        const entity = await writer.get<EntityView>(Collections.entities, event.data.entityId);
        if (!entity || entity.erased) return;
        const { entityType, data, piiFields, updatedAt } = event.data;
        writer.put(Collections.entities, { ...entity, entityType, data, piiFields, updatedAt });
        return;
      }
      case 'EntityErased': {
        const entity = await writer.get<EntityView>(Collections.entities, event.data.entityId);
        if (!entity) return;
        writer.put(Collections.entities, {
          ...entity,
          externalIdHash: null,
          sealedExternalId: null,
          externalId: null,
          data: {},
          piiFields: [],
          erased: true,
          erasedAt: event.data.erasedAt,
          updatedAt: event.data.erasedAt,
        });
        return;
      }
      default:
        return;
    }
  },
};
