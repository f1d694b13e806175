import type { KeyRingEvent } from '@onehazel/domain';
import { RecordedEvent, sortablePosition } from '@onehazel/event-store';
import type { Projection, ReadModelWriter } from '../projection';
import { ApiKeyView, Collections } from './read-models';

/** Operators' API keys: what authentication and the key lists read. */
export const apiKeysProjection: Projection = {
  name: 'api-keys',
  collections: [Collections.apiKeys],
  indexes: [
    { collection: Collections.apiKeys, fields: ['keyHash'] },
    { collection: Collections.apiKeys, fields: ['operatorId', 'createdPosition'] },
  ],
  async apply(recorded: RecordedEvent, writer: ReadModelWriter): Promise<void> {
    const event = recorded as unknown as KeyRingEvent;
    if (!event.type.startsWith('ApiKey')) return;
    if (event.type === 'ApiKeyIssued') {
      const { keyId, operatorId, keyHash, lastFour, label, tier, issuedBy, issuedAt } = event.data;
      const view: ApiKeyView = {
        id: keyId,
        operatorId,
        keyHash,
        lastFour,
        label,
        tier,
        issuedBy,
        createdAt: issuedAt,
        revoked: false,
        revokedAt: null,
        createdPosition: sortablePosition(recorded.position),
      };
      writer.put(Collections.apiKeys, view);
      return;
    }
    const key = await writer.get<ApiKeyView>(Collections.apiKeys, event.data.keyId);
    if (!key) return;
    switch (event.type) {
      case 'ApiKeyRenamed':
        writer.put(Collections.apiKeys, { ...key, label: event.data.label });
        return;
      case 'ApiKeyRevoked':
        writer.put(Collections.apiKeys, { ...key, revoked: true, revokedAt: event.data.revokedAt });
        return;
      case 'ApiKeyDeleted':
        writer.delete(Collections.apiKeys, key.id);
        writer.delete(Collections.apiKeyUsage, key.id);
        return;
      default:
        return;
    }
  },
};
