import {
  keyRingDecider,
  KeyRingEvent,
  operatorDecider,
  OperatorEvent,
  operatorTokensDecider,
  OperatorTokenEvent,
} from '@onehazel/domain';
import type { RecordedEvent } from '@onehazel/event-store';
import { KeysetPage, pageOfList } from '@onehazel/read-store';
import { HistoryEntry, toHistoryEntry } from './history-entry';

/** Which part of a history to answer: entries from `from` to `to` (inclusive), and the state at `asOf`. */
export type HistoryWindow = Readonly<{ from?: string; to?: string; asOf?: string }>;

/**
 * What a subject looked like at an instant, folded from its stream up to it with the deciders' own
 * evolve: its state (null when it did not exist yet), and the event that made it so (absent before the first).
 */
export type AsOf = Readonly<{ at: string; state: Record<string, unknown> | null; event?: HistoryEntry }>;

/** A page of a history, and the state at `asOf` when it was asked for. */
export type HistoryPage = KeysetPage<HistoryEntry> & Readonly<{ asOf?: AsOf }>;

/** When an event happened: its metadata's `at` (the command's time), else when the log recorded it. */
export function timeOf(event: RecordedEvent): number {
  const at = (event.metadata as { at?: unknown }).at;
  return Date.parse(typeof at === 'string' ? at : event.recordedAt);
}

/** The events that had happened by `asOf` (all of them without it). */
export function happenedBy(events: readonly RecordedEvent[], asOf: string | undefined): RecordedEvent[] {
  if (asOf === undefined) return [...events];
  const until = Date.parse(asOf);
  return events.filter((event) => timeOf(event) <= until);
}

/**
 * A page of the entries of `events` (a subject's, in log order) within the window: from `from`, up to
 * `to` and never past `asOf`; and, with `asOf`, the subject's state then (`stateAt`).
 */
export function historyPage(
  events: readonly RecordedEvent[],
  window: HistoryWindow,
  page: Readonly<{ limit: number; cursor: string | undefined }>,
  /** The subject's state at `asOf`, from the events (of whichever streams) that had happened by then. */
  stateAt?: (asOf: string) => Record<string, unknown> | null,
): HistoryPage {
  const from = window.from === undefined ? -Infinity : Date.parse(window.from);
  const to = Math.min(window.to === undefined ? Infinity : Date.parse(window.to), window.asOf === undefined ? Infinity : Date.parse(window.asOf));
  const entries = events.filter((event) => timeOf(event) >= from && timeOf(event) <= to).map(toHistoryEntry);
  const listed = pageOfList(entries, page.limit, page.cursor);
  if (window.asOf === undefined || !stateAt) return listed;
  return { ...listed, asOf: asOfFrom(events, window.asOf, stateAt) };
}

/** The state at `asOf` (stateAt), and the last of the events that had happened by then. */
export function asOfFrom(events: readonly RecordedEvent[], asOf: string, stateAt: (asOf: string) => Record<string, unknown> | null): AsOf {
  const before = happenedBy(events, asOf);
  const last = before[before.length - 1];
  return { at: new Date(asOf).toISOString(), state: stateAt(asOf), ...(last ? { event: toHistoryEntry(last) } : {}) };
}

/** An operator at an instant: its status, plan, name and industry (the contact e-mail is personal data, left out). */
export function operatorStateOf(events: readonly RecordedEvent[]): Record<string, unknown> | null {
  const operatorEvents = events.filter((event) => event.type.startsWith('Operator') && !event.type.startsWith('OperatorToken')) as unknown as OperatorEvent[];
  const state = operatorEvents.reduce(operatorDecider.evolve, operatorDecider.initialState());
  if (state.status === 'none') return null;
  const { name, plan, industry } = state.profile;
  return { status: state.status, name, plan, industry };
}

/** The operator's status after these of its events (null before it existed). */
const operatorStatusOf = (operatorEvents: readonly RecordedEvent[]): string | null => (operatorStateOf(operatorEvents)?.status as string | undefined) ?? null;

/** One key of the key ring at an instant: whether it existed and was revoked (the key ring's evolve), its label, and whether it could authenticate. */
export function keyStateOf(keyId: string, events: readonly RecordedEvent[], operatorEvents: readonly RecordedEvent[]): Record<string, unknown> | null {
  const ringEvents = events.filter((event) => event.type.startsWith('ApiKey')) as unknown as KeyRingEvent[];
  const ring = ringEvents.reduce(keyRingDecider.evolve, keyRingDecider.initialState());
  const key = ring.keys.get(keyId);
  if (!key) return null;
  const own = ringEvents.filter((event) => event.data.keyId === keyId);
  const issued = own.find((event) => event.type === 'ApiKeyIssued') as Extract<KeyRingEvent, { type: 'ApiKeyIssued' }> | undefined;
  const renamed = own.filter((event) => event.type === 'ApiKeyRenamed') as Extract<KeyRingEvent, { type: 'ApiKeyRenamed' }>[];
  const operatorStatus = operatorStatusOf(operatorEvents);
  return {
    tier: issued?.data.tier ?? 'verified',
    issuedBy: issued?.data.issuedBy ?? null,
    label: renamed.length > 0 ? renamed[renamed.length - 1]!.data.label : (issued?.data.label ?? null),
    revoked: key.revoked,
    operatorStatus,
    couldAuthenticate: !key.revoked && operatorStatus === 'active',
  };
}

/** A child key at an instant, from its operator's token stream (the tokens' fold). */
export function childKeyStateOf(keyId: string, events: readonly RecordedEvent[], operatorEvents: readonly RecordedEvent[]): Record<string, unknown> | null {
  const state = operatorTokensDecider.fold!(events.filter(isTokenEvent) as unknown as OperatorTokenEvent[]);
  const child = state.children.get(keyId);
  if (!child) return null;
  const minted = events.find((event) => event.type === 'ChildKeyMinted' && event.data.keyId === keyId);
  const operatorStatus = operatorStatusOf(operatorEvents);
  return {
    tier: 'operator_child',
    tokenId: child.tokenId,
    agentId: (minted?.data.agentId as string | undefined) ?? null,
    revoked: child.revoked,
    operatorStatus,
    couldAuthenticate: !child.revoked && operatorStatus === 'active',
  };
}

const TOKEN_EVENT_TYPES: ReadonlySet<string> = new Set(['OperatorTokenMinted', 'OperatorTokenRevoked', 'ChildKeyMinted', 'ChildKeyRevoked', 'ChildKeyRenamed', 'ChildKeyDeleted']);
const isTokenEvent = (event: RecordedEvent): boolean => TOKEN_EVENT_TYPES.has(event.type);

/** An operator token at an instant (the tokens' fold): its quota, whether it was revoked, and which child keys existed and were live. */
export function tokenStateOf(tokenId: string, events: readonly RecordedEvent[], operatorEvents: readonly RecordedEvent[]): Record<string, unknown> | null {
  const state = operatorTokensDecider.fold!(events.filter(isTokenEvent) as unknown as OperatorTokenEvent[]);
  const token = state.tokens.get(tokenId);
  if (!token) return null;
  const operatorStatus = operatorStatusOf(operatorEvents);
  const children = [...token.children].map((keyId) => ({ keyId, live: state.children.get(keyId)?.revoked === false }));
  return {
    revoked: token.revoked,
    revokedAt: token.revokedAt,
    monthlyQuotaSubmissions: token.monthlyQuotaSubmissions,
    childQuotaPct: token.childQuotaPct,
    operatorStatus,
    couldMintChildren: !token.revoked && operatorStatus === 'active',
    children,
    liveChildren: children.filter((child) => child.live).length,
  };
}
