import type { Decider, Event } from '../shared/event';
import { DomainError, assertNever } from '../shared/errors';

/**
 * Operator tokens (seed 003): master tokens from which fleet daemons mint child keys. All of an
 * operator's tokens and the child keys minted from them live in one stream, so that one stream revision
 * guards every rule that spans them: at most `maxTokens` live tokens per operator and `maxChildren` live
 * child keys per token, whatever races, and a cascading revocation that revokes a token and every child
 * key it minted in one append.
 */
export const operatorTokensStream = (operatorId: string): string => `optokens-${operatorId}`;

export const OPERATOR_TOKEN_LABEL_MAX = 100;
export const CHILD_DISPLAY_NAME_MAX = 60;
export const MONTHLY_QUOTA_MIN = 1;
export const MONTHLY_QUOTA_MAX = 100_000;
export const MONTHLY_QUOTA_DEFAULT = 1000;
export const CHILD_QUOTA_PCT_MIN = 1;
export const CHILD_QUOTA_PCT_MAX = 100;
export const CHILD_QUOTA_PCT_DEFAULT = 100;

/** The tier of a key minted from an operator token: the data API only, counted against the token's quota. */
export type ChildKeyTier = 'operator_child';

/** What one child may submit in a month: `floor(quota × pct / 100)`, and at least 1. */
export function childShare(monthlyQuota: number, childQuotaPct: number): number {
  return Math.max(1, Math.floor((monthlyQuota * childQuotaPct) / 100));
}

export type OperatorTokenMinted = Event<
  'OperatorTokenMinted',
  {
    operatorId: string;
    tokenId: string;
    /** SHA-256 of the token, hex: the plaintext is shown once and never recorded. */
    tokenHash: string;
    lastFour: string;
    label: string | null;
    monthlyQuotaSubmissions: number;
    childQuotaPct: number;
    mintedAt: string;
  }
>;
export type OperatorTokenRevoked = Event<
  'OperatorTokenRevoked',
  { operatorId: string; tokenId: string; cascade: boolean; revokedAt: string }
>;
export type ChildKeyMinted = Event<
  'ChildKeyMinted',
  {
    operatorId: string;
    tokenId: string;
    keyId: string;
    /** The daemon's own identity: the actor of every event its key causes. */
    agentId: string;
    keyHash: string;
    lastFour: string;
    displayName: string | null;
    tier: ChildKeyTier;
    mintedAt: string;
  }
>;
/** A child key revoked: one by one through the key routes, or with its token (`cascadeOf`). */
export type ChildKeyRevoked = Event<
  'ChildKeyRevoked',
  { operatorId: string; tokenId: string; keyId: string; cascadeOf: string | null; revokedAt: string }
>;
/** A child key renamed through the key routes (its display name is its label). */
export type ChildKeyRenamed = Event<'ChildKeyRenamed', { operatorId: string; tokenId: string; keyId: string; label: string; renamedAt: string }>;
/** A revoked child key removed for good through the key routes (the log keeps its hash-only history). */
export type ChildKeyDeleted = Event<'ChildKeyDeleted', { operatorId: string; tokenId: string; keyId: string; deletedAt: string }>;
export type OperatorTokenEvent = OperatorTokenMinted | OperatorTokenRevoked | ChildKeyMinted | ChildKeyRevoked | ChildKeyRenamed | ChildKeyDeleted;

export type MintOperatorToken = Readonly<{
  type: 'MintOperatorToken';
  operatorId: string;
  tokenId: string;
  tokenHash: string;
  lastFour: string;
  label: string | null;
  monthlyQuotaSubmissions: number;
  childQuotaPct: number;
  /** The operator's cap of live tokens (configuration). */
  maxTokens: number;
  at: string;
}>;
export type RevokeOperatorToken = Readonly<{ type: 'RevokeOperatorToken'; operatorId: string; tokenId: string; cascade: boolean; at: string }>;
export type MintChildKey = Readonly<{
  type: 'MintChildKey';
  operatorId: string;
  tokenId: string;
  keyId: string;
  agentId: string;
  keyHash: string;
  lastFour: string;
  displayName: string | null;
  /** The token's cap of live child keys (configuration). */
  maxChildren: number;
  at: string;
}>;
export type RevokeChildKey = Readonly<{ type: 'RevokeChildKey'; operatorId: string; keyId: string; at: string }>;
export type RenameChildKey = Readonly<{ type: 'RenameChildKey'; operatorId: string; keyId: string; label: string; at: string }>;
export type DeleteChildKey = Readonly<{ type: 'DeleteChildKey'; operatorId: string; keyId: string; at: string }>;
export type OperatorTokenCommand = MintOperatorToken | RevokeOperatorToken | MintChildKey | RevokeChildKey | RenameChildKey | DeleteChildKey;

type TokenState = Readonly<{ revoked: boolean; revokedAt: string | null; monthlyQuotaSubmissions: number; childQuotaPct: number; children: ReadonlySet<string> }>;
type ChildState = Readonly<{ tokenId: string; revoked: boolean }>;

/** An operator's tokens and their child keys (ids are the product's, never user input: Maps all the same). */
export type OperatorTokenState = TokenState;
export type OperatorTokens = Readonly<{
  tokens: ReadonlyMap<string, TokenState>;
  children: ReadonlyMap<string, ChildState>;
}>;

function decide(command: OperatorTokenCommand, state: OperatorTokens): OperatorTokenEvent[] {
  switch (command.type) {
    case 'MintOperatorToken':
      return mintToken(command, state);
    case 'RevokeOperatorToken':
      return revokeToken(command, state);
    case 'MintChildKey':
      return mintChild(command, state);
    case 'RevokeChildKey':
      return revokeChild(command, state);
    case 'RenameChildKey':
      return renameChild(command, state);
    case 'DeleteChildKey':
      return deleteChild(command, state);
    default:
      return assertNever(command, 'operator token command');
  }
}

function refuseOutOfBounds(field: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new DomainError('VALIDATION_FAILED', 'The request is not valid', [{ field, problems: [`${field} must be an integer from ${min} to ${max}`] }]);
  }
}

const liveTokens = (state: OperatorTokens): number => [...state.tokens.values()].filter((token) => !token.revoked).length;
const liveChildren = (state: OperatorTokens, token: TokenState): number => [...token.children].filter((keyId) => !state.children.get(keyId)?.revoked).length;

function mintToken(command: MintOperatorToken, state: OperatorTokens): OperatorTokenEvent[] {
  const { operatorId, tokenId, tokenHash, lastFour, label, monthlyQuotaSubmissions, childQuotaPct, maxTokens, at } = command;
  refuseOutOfBounds('monthly_quota_submissions', monthlyQuotaSubmissions, MONTHLY_QUOTA_MIN, MONTHLY_QUOTA_MAX);
  refuseOutOfBounds('child_quota_pct', childQuotaPct, CHILD_QUOTA_PCT_MIN, CHILD_QUOTA_PCT_MAX);
  if (state.tokens.has(tokenId)) throw new DomainError('CONFLICT', 'Operator token id already used');
  if (liveTokens(state) >= maxTokens) {
    throw new DomainError('MAX_OPERATOR_TOKENS', `An operator holds at most ${maxTokens} active operator tokens; revoke one first`, { max: maxTokens });
  }
  return [{ type: 'OperatorTokenMinted', data: { operatorId, tokenId, tokenHash, lastFour, label, monthlyQuotaSubmissions, childQuotaPct, mintedAt: at } }];
}

function knownToken(state: OperatorTokens, tokenId: string): TokenState {
  const token = state.tokens.get(tokenId);
  if (!token) throw new DomainError('UNKNOWN_OPERATOR_TOKEN', 'Operator token not found');
  return token;
}

/** Revoking a revoked token changes nothing, unless it cascades now onto children that are still live. */
function revokeToken(command: RevokeOperatorToken, state: OperatorTokens): OperatorTokenEvent[] {
  const { operatorId, tokenId, cascade, at } = command;
  const token = knownToken(state, tokenId);
  const events: OperatorTokenEvent[] = token.revoked ? [] : [{ type: 'OperatorTokenRevoked', data: { operatorId, tokenId, cascade, revokedAt: at } }];
  if (!cascade) return events;
  for (const keyId of token.children) {
    if (state.children.get(keyId)?.revoked) continue;
    events.push({ type: 'ChildKeyRevoked', data: { operatorId, tokenId, keyId, cascadeOf: tokenId, revokedAt: at } });
  }
  return events;
}

function mintChild(command: MintChildKey, state: OperatorTokens): OperatorTokenEvent[] {
  const { operatorId, tokenId, keyId, agentId, keyHash, lastFour, displayName, maxChildren, at } = command;
  const token = knownToken(state, tokenId);
  if (token.revoked) throw new DomainError('OPERATOR_TOKEN_REVOKED', 'This operator token was revoked');
  if (state.children.has(keyId)) throw new DomainError('CONFLICT', 'Child key id already used');
  if (liveChildren(state, token) >= maxChildren) {
    throw new DomainError('MAX_CHILD_KEYS', `An operator token mints at most ${maxChildren} active child keys; revoke one first`, { max: maxChildren });
  }
  return [{ type: 'ChildKeyMinted', data: { operatorId, tokenId, keyId, agentId, keyHash, lastFour, displayName, tier: 'operator_child', mintedAt: at } }];
}

function existingChild(state: OperatorTokens, keyId: string): ChildState {
  const child = state.children.get(keyId);
  if (!child) throw new DomainError('API_KEY_NOT_FOUND', 'API key not found');
  return child;
}

function renameChild(command: RenameChildKey, state: OperatorTokens): OperatorTokenEvent[] {
  const { tokenId } = existingChild(state, command.keyId);
  const { operatorId, keyId, label, at } = command;
  return [{ type: 'ChildKeyRenamed', data: { operatorId, tokenId, keyId, label, renamedAt: at } }];
}

/** As for the operator's own keys: only a revoked child key may be removed. */
function deleteChild(command: DeleteChildKey, state: OperatorTokens): OperatorTokenEvent[] {
  const child = existingChild(state, command.keyId);
  if (!child.revoked) throw new DomainError('KEY_NOT_REVOKED', 'Cannot delete an active key — revoke it first');
  const { operatorId, keyId, at } = command;
  return [{ type: 'ChildKeyDeleted', data: { operatorId, tokenId: child.tokenId, keyId, deletedAt: at } }];
}

function revokeChild(command: RevokeChildKey, state: OperatorTokens): OperatorTokenEvent[] {
  const child = existingChild(state, command.keyId);
  if (child.revoked) return [];
  const { operatorId, keyId, at } = command;
  return [{ type: 'ChildKeyRevoked', data: { operatorId, tokenId: child.tokenId, keyId, cascadeOf: null, revokedAt: at } }];
}

function evolve(state: OperatorTokens, event: OperatorTokenEvent): OperatorTokens {
  switch (event.type) {
    case 'OperatorTokenMinted': {
      const tokens = new Map(state.tokens);
      const { monthlyQuotaSubmissions, childQuotaPct } = event.data;
      tokens.set(event.data.tokenId, { revoked: false, revokedAt: null, monthlyQuotaSubmissions, childQuotaPct, children: new Set() });
      return { ...state, tokens };
    }
    case 'OperatorTokenRevoked': {
      const token = state.tokens.get(event.data.tokenId);
      if (!token) return state;
      return { ...state, tokens: new Map(state.tokens).set(event.data.tokenId, { ...token, revoked: true, revokedAt: event.data.revokedAt }) };
    }
    case 'ChildKeyMinted': {
      const token = state.tokens.get(event.data.tokenId);
      if (!token) return state;
      const tokens = new Map(state.tokens).set(event.data.tokenId, { ...token, children: new Set(token.children).add(event.data.keyId) });
      return { tokens, children: new Map(state.children).set(event.data.keyId, { tokenId: event.data.tokenId, revoked: false }) };
    }
    case 'ChildKeyRevoked': {
      const child = state.children.get(event.data.keyId);
      if (!child) return state;
      return { ...state, children: new Map(state.children).set(event.data.keyId, { ...child, revoked: true }) };
    }
    case 'ChildKeyRenamed':
      return state;
    case 'ChildKeyDeleted': {
      const token = state.tokens.get(event.data.tokenId);
      const children = new Map(state.children);
      children.delete(event.data.keyId);
      if (!token) return { ...state, children };
      const kept = new Set(token.children);
      kept.delete(event.data.keyId);
      return { tokens: new Map(state.tokens).set(event.data.tokenId, { ...token, children: kept }), children };
    }
    default:
      return assertNever(event, 'operator token event');
  }
}

type MutableToken = { revoked: boolean; revokedAt: string | null; monthlyQuotaSubmissions: number; childQuotaPct: number; children: Set<string> };

/**
 * `evolve` copies the maps it changes (a state is a value), so reducing a stream of N events with it
 * costs N²: 10,000 child keys, the default caps, would be 50 million copies per command. The fold builds
 * one state in place instead (it owns it), with the same result (a spec holds the two equal).
 */
function fold(events: readonly OperatorTokenEvent[], from?: OperatorTokens): OperatorTokens {
  // A copy of `from`, once: the fold then changes only what it owns.
  const tokens = new Map<string, MutableToken>([...(from?.tokens ?? [])].map(([id, token]) => [id, { ...token, children: new Set(token.children) }]));
  const children = new Map<string, { tokenId: string; revoked: boolean }>([...(from?.children ?? [])].map(([id, child]) => [id, { ...child }]));
  for (const event of events) {
    switch (event.type) {
      case 'OperatorTokenMinted': {
        const { monthlyQuotaSubmissions, childQuotaPct } = event.data;
        tokens.set(event.data.tokenId, { revoked: false, revokedAt: null, monthlyQuotaSubmissions, childQuotaPct, children: new Set() });
        break;
      }
      case 'OperatorTokenRevoked': {
        const token = tokens.get(event.data.tokenId);
        if (token) Object.assign(token, { revoked: true, revokedAt: event.data.revokedAt });
        break;
      }
      case 'ChildKeyMinted': {
        const token = tokens.get(event.data.tokenId);
        if (!token) break;
        token.children.add(event.data.keyId);
        children.set(event.data.keyId, { tokenId: event.data.tokenId, revoked: false });
        break;
      }
      case 'ChildKeyRevoked': {
        const child = children.get(event.data.keyId);
        if (child) child.revoked = true;
        break;
      }
      case 'ChildKeyRenamed':
        break;
      case 'ChildKeyDeleted':
        children.delete(event.data.keyId);
        tokens.get(event.data.tokenId)?.children.delete(event.data.keyId);
        break;
      default:
        assertNever(event, 'operator token event');
    }
  }
  return { tokens, children };
}

/** A snapshot's form: tokens with their children's ids, and each child's token and state, as arrays. */
type EncodedTokens = Readonly<{
  v: 1;
  tokens: [id: string, revoked: boolean, revokedAt: string | null, monthlyQuotaSubmissions: number, childQuotaPct: number, children: string[]][];
  children: [id: string, tokenId: string, revoked: boolean][];
}>;

function encode(state: OperatorTokens): EncodedTokens {
  return {
    v: 1,
    tokens: [...state.tokens].map(([id, token]) => [id, token.revoked, token.revokedAt, token.monthlyQuotaSubmissions, token.childQuotaPct, [...token.children]]),
    children: [...state.children].map(([id, child]) => [id, child.tokenId, child.revoked]),
  };
}

const isString = (value: unknown): value is string => typeof value === 'string';

/** Null unless it is exactly what `encode` makes (a snapshot of another form is ignored, not trusted). */
function decode(encoded: unknown): OperatorTokens | null {
  const data = encoded as EncodedTokens;
  if (typeof encoded !== 'object' || encoded === null || data.v !== 1 || !Array.isArray(data.tokens) || !Array.isArray(data.children)) return null;
  const tokens = new Map<string, TokenState>();
  for (const entry of data.tokens) {
    const [id, revoked, revokedAt, monthlyQuotaSubmissions, childQuotaPct, kids] = Array.isArray(entry) ? entry : [];
    const valid =
      isString(id) && typeof revoked === 'boolean' && (revokedAt === null || isString(revokedAt)) && typeof monthlyQuotaSubmissions === 'number' &&
      typeof childQuotaPct === 'number' && Array.isArray(kids) && kids.every(isString);
    if (!valid) return null;
    tokens.set(id, { revoked, revokedAt, monthlyQuotaSubmissions, childQuotaPct, children: new Set(kids) });
  }
  const children = new Map<string, ChildState>();
  for (const entry of data.children) {
    const [id, tokenId, revoked] = Array.isArray(entry) ? entry : [];
    if (!isString(id) || !isString(tokenId) || typeof revoked !== 'boolean') return null;
    children.set(id, { tokenId, revoked });
  }
  return { tokens, children };
}

export const operatorTokensDecider: Decider<OperatorTokenCommand, OperatorTokens, OperatorTokenEvent> = {
  decide,
  evolve,
  initialState: () => ({ tokens: new Map(), children: new Map() }),
  fold,
  snapshot: { encode, decode },
};
