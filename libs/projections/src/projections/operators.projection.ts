import type { OperatorEvent } from '@onehazel/domain';
import { RecordedEvent, sortablePosition } from '@onehazel/event-store';
import type { Projection, ReadModelWriter } from '../projection';
import { Collections, OperatorView } from './read-models';

/** Operators as their platform lists and reads them. */
export const operatorsProjection: Projection = {
  name: 'operators',
  collections: [Collections.operators],
  indexes: [
    { collection: Collections.operators, fields: ['platformId', 'createdPosition'] },
    { collection: Collections.operators, fields: ['platformId', 'status', 'createdPosition'] },
  ],
  async apply(recorded: RecordedEvent, writer: ReadModelWriter): Promise<void> {
    const event = recorded as unknown as OperatorEvent;
    if (!event.type.startsWith('Operator')) return;
    if (event.type === 'OperatorCreated') {
      const { operatorId, platformId, name, plan, contactEmail, industry, createdAt } = event.data;
      const view: OperatorView = {
        id: operatorId,
        platformId,
        name,
        plan,
        contactEmail,
        industry,
        status: 'active',
        createdAt,
        updatedAt: createdAt,
        suspendedAt: null,
        createdPosition: sortablePosition(recorded.position),
      };
      writer.put(Collections.operators, view);
      return;
    }
    const operator = await writer.get<OperatorView>(Collections.operators, event.data.operatorId);
    if (!operator) return;
    switch (event.type) {
      case 'OperatorUpdated':
        writer.put(Collections.operators, { ...operator, ...event.data.changes, updatedAt: event.data.updatedAt });
        return;
      case 'OperatorSuspended':
        writer.put(Collections.operators, {
          ...operator,
          status: 'suspended',
          suspendedAt: event.data.suspendedAt,
          updatedAt: event.data.suspendedAt,
        });
        return;
      case 'OperatorReactivated':
        writer.put(Collections.operators, {
          ...operator,
          status: 'active',
          suspendedAt: null,
          updatedAt: event.data.reactivatedAt,
        });
        return;
      default:
        return;
    }
  },
};
