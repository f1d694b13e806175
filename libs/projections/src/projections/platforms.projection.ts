import type { PlatformEvent } from '@onehazel/domain';
import type { RecordedEvent } from '@onehazel/event-store';
import type { Projection, ReadModelWriter } from '../projection';
import { Collections, PlatformKeyView, PlatformView } from './read-models';

/** Platforms and their keys, the latter keyed by hash for authentication. */
export const platformsProjection: Projection = {
  name: 'platforms',
  collections: [Collections.platforms, Collections.platformKeys],
  indexes: [],
  async apply(recorded: RecordedEvent, writer: ReadModelWriter): Promise<void> {
    const event = recorded as unknown as PlatformEvent;
    switch (event.type) {
      case 'PlatformRegistered': {
        const { platformId, name, registeredAt } = event.data;
        const view: PlatformView = { id: platformId, name, registeredAt, keys: {} };
        writer.put(Collections.platforms, view);
        return;
      }
      case 'PlatformKeyIssued': {
        const { platformId, keyId, keyHash, lastFour, issuedAt } = event.data;
        const platform = await writer.get<PlatformView>(Collections.platforms, platformId);
        if (!platform) return;
        writer.put(Collections.platforms, {
          ...platform,
          keys: { ...platform.keys, [keyId]: { keyHash, lastFour, revoked: false, issuedAt } },
        });
        const key: PlatformKeyView = { id: keyHash, keyId, platformId, lastFour, revoked: false, issuedAt, revokedAt: null };
        writer.put(Collections.platformKeys, key);
        return;
      }
      case 'PlatformKeyRevoked': {
        const { platformId, keyId, revokedAt } = event.data;
        const platform = await writer.get<PlatformView>(Collections.platforms, platformId);
        const entry = platform?.keys[keyId];
        if (!platform || !entry) return;
        writer.put(Collections.platforms, { ...platform, keys: { ...platform.keys, [keyId]: { ...entry, revoked: true } } });
        const key = await writer.get<PlatformKeyView>(Collections.platformKeys, entry.keyHash);
        if (key) writer.put(Collections.platformKeys, { ...key, revoked: true, revokedAt });
        return;
      }
      default:
        return;
    }
  },
};
