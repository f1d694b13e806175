import { operatorStream, keyRingStream, operatorTokensStream } from '@onehazel/domain';
import { RecordedEvent, sortablePosition } from '@onehazel/event-store';
import { findPage, KeysetPage, ReadStore } from '@onehazel/read-store';
import { HistoryEntry, toHistoryEntry } from './history-entry';
import type { SubjectHistory } from './audit-replay';
import { asOfFrom, HistoryPage, HistoryWindow, timeOf } from './history-window';

/**
 * The histories' index (the audit-entries projection): one document per subject and event, the event's
 * history entry, ordered by `order` (the event's time, then its log position) under the subject, so that a
 * page of a history is one indexed range read, however long the streams are.
 */
export const AUDIT_ENTRIES = 'audit_entries';

export type AuditEntryView = {
  id: string;
  subject: string;
  /** `<ISO time>|<sortable log position>`: time order, ties in log order. */
  order: string;
  entry: HistoryEntry;
};

/** The subjects whose histories list an event: named by operator (the tenant), never by an id alone. */
export const auditSubject = {
  operator: (operatorId: string): string => `operator:${operatorId}`,
  key: (operatorId: string, keyId: string): string => `key:${operatorId}:${keyId}`,
  token: (operatorId: string, tokenId: string): string => `token:${operatorId}:${tokenId}`,
};

const STREAM = /^(operator|keyring|optokens)-(.+)$/;

/**
 * Which histories an event belongs to, from its stream: an operator's (its own events and its key
 * ring's), a key's (in the key ring, or a child key in the token stream), a token's (with its child keys).
 * The same subjects as AuditReplay's filters.
 */
export function auditSubjectsOf(event: RecordedEvent): string[] {
  const match = STREAM.exec(event.stream);
  if (!match) return [];
  const operatorId = match[2]!;
  const keyId = typeof event.data.keyId === 'string' ? event.data.keyId : null;
  const tokenId = typeof event.data.tokenId === 'string' ? event.data.tokenId : null;
  switch (match[1]) {
    case 'operator':
      return event.stream === operatorStream(operatorId) ? [auditSubject.operator(operatorId)] : [];
    case 'keyring':
      return event.stream === keyRingStream(operatorId) ? [auditSubject.operator(operatorId), ...(keyId ? [auditSubject.key(operatorId, keyId)] : [])] : [];
    default:
      return event.stream === operatorTokensStream(operatorId)
        ? [...(tokenId ? [auditSubject.token(operatorId, tokenId)] : []), ...(keyId ? [auditSubject.key(operatorId, keyId)] : [])]
        : [];
  }
}

/** The documents of the audit-entries projection for one event. */
export function auditEntriesOf(event: RecordedEvent): AuditEntryView[] {
  const subjects = auditSubjectsOf(event);
  if (subjects.length === 0) return [];
  const entry = toHistoryEntry(event);
  // The event's time as the window compares it (timeOf); the log's own time for an event whose is not one.
  const time = timeOf(event);
  const order = `${new Date(Number.isNaN(time) ? Date.parse(event.recordedAt) : time).toISOString()}|${sortablePosition(event.position)}`;
  return subjects.map((subject) => ({ id: `${subject}|${event.id}`, subject, order, entry }));
}

/**
 * A page of a subject's history within the window (from `from`, up to `to` and never past `asOf`): one
 * indexed range read of the audit entries, after the cursor.
 */
export async function historyEntries(
  read: ReadStore,
  subject: string,
  window: HistoryWindow,
  page: Readonly<{ limit: number; cursor: string | undefined }>,
): Promise<KeysetPage<HistoryEntry>> {
  const to = [window.to, window.asOf].filter((at): at is string => at !== undefined).map(instant).sort()[0];
  const found = await findPage<AuditEntryView>(read, AUDIT_ENTRIES, {
    where: { subject },
    orderBy: 'order',
    limit: page.limit,
    cursor: page.cursor,
    start: window.from === undefined ? undefined : instant(window.from),
    end: to === undefined ? undefined : `${to}|~`, // '~' sorts after every position
  });
  return { items: found.items.map((view) => view.entry), nextCursor: found.nextCursor };
}

/**
 * Whether the subject has any history at all (a subject of another tenant has none), given one of its
 * pages: read again only when that page is empty (a window with no entry, or none at all).
 */
export async function hasHistory(read: ReadStore, subject: string, page: HistoryPage): Promise<boolean> {
  if (page.items.length > 0) return true;
  return (await read.find(AUDIT_ENTRIES, { where: { subject }, orderBy: 'order', limit: 1 })).length > 0;
}

/** An instant as the entries store it (ISO 8601 in UTC, milliseconds): the same text sorts the same. */
function instant(at: string): string {
  return new Date(Date.parse(at)).toISOString();
}

/**
 * A subject's history page (historyEntries), and with `asOf` the state then, folded from the log by the
 * replay (the deciders' own evolve over the streams up to that instant).
 */
export async function auditHistory(
  read: ReadStore,
  subject: string,
  window: HistoryWindow,
  page: Readonly<{ limit: number; cursor: string | undefined }>,
  replay: () => Promise<SubjectHistory | null>,
): Promise<HistoryPage> {
  const listed = await historyEntries(read, subject, window, page);
  if (window.asOf === undefined) return listed;
  const replayed = await replay();
  return replayed ? { ...listed, asOf: asOfFrom(replayed.events, window.asOf, replayed.stateAt) } : listed;
}
