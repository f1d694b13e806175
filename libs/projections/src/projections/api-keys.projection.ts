import type { KeyRingEvent, OperatorEvent, OperatorTokenEvent } from '@onehazel/domain';
import { RecordedEvent, sortablePosition } from '@onehazel/event-store';
import type { Projection, ReadModelWriter } from '../projection';
import { ApiKeyView, Collections, OperatorView } from './read-models';

/** The operator's status and plan, copied onto every key of it (authentication reads nothing else). */
function operatorChange(event: OperatorEvent): Partial<ApiKeyView> | null {
  switch (event.type) {
    case 'OperatorSuspended':
      return { operatorStatus: 'suspended' };
    case 'OperatorReactivated':
      return { operatorStatus: 'active' };
    case 'OperatorUpdated':
      return event.data.changes.plan ? { operatorPlan: event.data.changes.plan } : null;
    default:
      return null;
  }
}

/**
 * Operators' API keys: what authentication and the key lists read. Each key carries its operator's status
 * and plan, so that a suspension reaches authentication in the same commit as the operator's own view.
 */
export const apiKeysProjection: Projection = {
  name: 'api-keys',
  collections: [Collections.apiKeys],
  reads: [Collections.operators],
  indexes: [
    { collection: Collections.apiKeys, fields: ['keyHash'] },
    { collection: Collections.apiKeys, fields: ['operatorId', 'createdPosition'] },
    // An operator token's child keys, in minting order.
    { collection: Collections.apiKeys, fields: ['tokenId', 'createdPosition'] },
  ],
  async apply(recorded: RecordedEvent, writer: ReadModelWriter): Promise<void> {
    if (recorded.type.startsWith('Operator')) {
      const event = recorded as unknown as OperatorEvent;
      const change = operatorChange(event);
      if (change) writer.patchWhere(Collections.apiKeys, { operatorId: event.data.operatorId }, change);
      return;
    }
    if (CHILD_KEY_EVENTS.has(recorded.type)) return applyChildKey(recorded, writer);
    const event = recorded as unknown as KeyRingEvent;
    if (!event.type.startsWith('ApiKey')) return;
    if (event.type === 'ApiKeyIssued') {
      const { keyId, operatorId, keyHash, lastFour, label, tier, issuedBy, issuedAt } = event.data;
      await putNewKey(recorded, writer, { id: keyId, operatorId, keyHash, lastFour, label, tier, issuedBy, createdAt: issuedAt });
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

const CHILD_KEY_EVENTS: ReadonlySet<string> = new Set(['ChildKeyMinted', 'ChildKeyRevoked', 'ChildKeyRenamed', 'ChildKeyDeleted']);

/** A child key minted from an operator token is an API key like the others (tier operator_child): revoked, renamed and deleted alike. */
async function applyChildKey(recorded: RecordedEvent, writer: ReadModelWriter): Promise<void> {
  const event = recorded as unknown as Extract<OperatorTokenEvent, { type: 'ChildKeyMinted' | 'ChildKeyRevoked' | 'ChildKeyRenamed' | 'ChildKeyDeleted' }>;
  if (event.type === 'ChildKeyMinted') {
    const { keyId, operatorId, tokenId, agentId, keyHash, lastFour, displayName, tier, mintedAt } = event.data;
    const issued = { id: keyId, operatorId, keyHash, lastFour, label: displayName, tier, issuedBy: 'operator-token' as const, createdAt: mintedAt };
    await putNewKey(recorded, writer, { ...issued, tokenId, agentId });
    return;
  }
  const key = await writer.get<ApiKeyView>(Collections.apiKeys, event.data.keyId);
  if (!key) return;
  switch (event.type) {
    case 'ChildKeyRevoked':
      if (!key.revoked) writer.put(Collections.apiKeys, { ...key, revoked: true, revokedAt: event.data.revokedAt });
      return;
    case 'ChildKeyRenamed':
      writer.put(Collections.apiKeys, { ...key, label: event.data.label });
      return;
    case 'ChildKeyDeleted':
      writer.delete(Collections.apiKeys, key.id);
      writer.delete(Collections.apiKeyUsage, key.id);
      return;
  }
}

type NewKey = Omit<ApiKeyView, 'revoked' | 'revokedAt' | 'createdPosition' | 'operatorStatus' | 'operatorPlan'>;

/** A new key, live, in log order, with its operator's status and plan (authentication reads nothing else). */
async function putNewKey(recorded: RecordedEvent, writer: ReadModelWriter, key: NewKey): Promise<void> {
  // The operators projection applies each event before this one, so the operator is there (staged or stored).
  const operator = await writer.get<OperatorView>(Collections.operators, key.operatorId);
  const view: ApiKeyView = {
    ...key,
    revoked: false,
    revokedAt: null,
    createdPosition: sortablePosition(recorded.position),
    operatorStatus: operator?.status ?? 'suspended',
    operatorPlan: operator?.plan ?? 'starter',
  };
  writer.put(Collections.apiKeys, view);
}
