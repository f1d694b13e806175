import type { RecordedEvent } from '@onehazel/event-store';

/** One change, as the audit history shows it: what, when, who, in which request. No secrets. */
export type HistoryEntry = {
  type: string;
  at: string;
  actor: { kind: string; id: string; keyId?: string; tokenId?: string };
  requestId: string;
  keyId: string | null;
  data: Record<string, unknown>;
};

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
    data,
  };
}
