import type { RecordedEvent } from '@onehazel/event-store';

/** One change, as the audit history shows it: what, when, who, in which request. No secrets. */
export type HistoryEntry = {
  type: string;
  at: string;
  actor: { kind: string; id: string; keyId?: string; tokenId?: string };
  requestId: string;
  keyId: string | null;
  /** What changed, in words: field names and states, never a secret or personal data. */
  summary: string;
  data: Record<string, unknown>;
};

const field = (data: Record<string, unknown>, name: string): string => String(data[name] ?? '');

/** What an event changed, in a few words (field names, never their personal values). */
function summaryOf(type: string, data: Record<string, unknown>): string {
  switch (type) {
    case 'OperatorCreated':
      return `operator created (plan ${field(data, 'plan')})`;
    case 'OperatorUpdated':
      return `changed ${Object.keys((data.changes as Record<string, unknown> | undefined) ?? {}).join(', ') || 'nothing'}`;
    case 'OperatorSuspended':
      return 'operator suspended: its keys, tokens and sessions refused';
    case 'OperatorReactivated':
      return 'operator reactivated';
    case 'ApiKeyIssued':
      return `key issued by the ${field(data, 'issuedBy')} (tier ${field(data, 'tier')})`;
    case 'ApiKeyRenamed':
    case 'ChildKeyRenamed':
      return 'key renamed';
    case 'ApiKeyRevoked':
      return `key revoked by the ${field(data, 'revokedBy') || 'operator'}`;
    case 'ApiKeyDeleted':
    case 'ChildKeyDeleted':
      return 'key deleted for good';
    case 'OperatorTokenMinted':
      return `operator token minted (${field(data, 'monthlyQuotaSubmissions')} submissions a month, ${field(data, 'childQuotaPct')}% per child)`;
    case 'OperatorTokenRevoked':
      return data.cascade ? 'operator token revoked, with its child keys' : 'operator token revoked (its child keys kept)';
    case 'ChildKeyMinted':
      return `child key minted by operator token ${field(data, 'tokenId')} for agent ${field(data, 'agentId')}`;
    case 'ChildKeyRevoked':
      return data.cascadeOf ? `child key revoked with its operator token ${field(data, 'cascadeOf')}` : 'child key revoked';
    case 'EntityCreated':
      return `entity created (${field(data, 'entityType')})`;
    case 'EntityUpdated':
      return 'entity updated';
    case 'EntityErased':
      return 'entity erased (GDPR): its data key destroyed, its data unreadable everywhere';
    default:
      return type;
  }
}

/** Fields never shown in a history, whatever the event. */
const HIDDEN = new Set(['keyHash', 'tokenHash']);

/** An event of the log as a history entry (DESIGN.md: audit history is a replay of the log, not a read model). */
export function toHistoryEntry(event: RecordedEvent): HistoryEntry {
  const metadata = event.metadata as { at?: string; actor?: HistoryEntry['actor']; requestId?: string };
  const data = Object.fromEntries(Object.entries(event.data).filter(([name]) => !HIDDEN.has(name)));
  return {
    type: event.type,
    at: metadata.at ?? event.recordedAt,
    actor: metadata.actor ?? { kind: 'unknown', id: 'unknown' },
    requestId: metadata.requestId ?? 'unknown',
    keyId: typeof event.data.keyId === 'string' ? event.data.keyId : null,
    summary: summaryOf(event.type, event.data),
    data,
  };
}
