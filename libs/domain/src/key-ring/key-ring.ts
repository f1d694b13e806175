import type { Decider, Event } from '../shared/event';
import { DomainError, assertNever } from '../shared/errors';

/**
 * All of an operator's API keys live in one stream, so that one stream revision guards the rules that
 * span keys: two racing revokes of an operator's last two keys cannot both pass the last-key guard.
 */
export const keyRingStream = (operatorId: string): string => `keyring-${operatorId}`;

export type KeyTier = 'verified';
/** Who asked: an operator managing its own keys, or its platform (which may revoke the last one). */
export type KeyManager = 'operator' | 'platform';

export type ApiKeyIssued = Event<
  'ApiKeyIssued',
  {
    operatorId: string;
    keyId: string;
    keyHash: string;
    lastFour: string;
    label: string | null;
    tier: KeyTier;
    issuedBy: KeyManager;
    issuedAt: string;
  }
>;
export type ApiKeyRenamed = Event<'ApiKeyRenamed', { operatorId: string; keyId: string; label: string; renamedAt: string }>;
export type ApiKeyRevoked = Event<
  'ApiKeyRevoked',
  { operatorId: string; keyId: string; revokedBy: KeyManager; revokedAt: string }
>;
export type ApiKeyDeleted = Event<'ApiKeyDeleted', { operatorId: string; keyId: string; deletedAt: string }>;
export type KeyRingEvent = ApiKeyIssued | ApiKeyRenamed | ApiKeyRevoked | ApiKeyDeleted;

export type IssueApiKey = Readonly<{
  type: 'IssueApiKey';
  operatorId: string;
  keyId: string;
  keyHash: string;
  lastFour: string;
  label: string | null;
  by: KeyManager;
  at: string;
}>;
export type RenameApiKey = Readonly<{ type: 'RenameApiKey'; operatorId: string; keyId: string; label: string; at: string }>;
export type RevokeApiKey = Readonly<{ type: 'RevokeApiKey'; operatorId: string; keyId: string; by: KeyManager; at: string }>;
export type DeleteApiKey = Readonly<{ type: 'DeleteApiKey'; operatorId: string; keyId: string; at: string }>;
export type KeyRingCommand = IssueApiKey | RenameApiKey | RevokeApiKey | DeleteApiKey;

export type KeyRing = Readonly<{ keys: ReadonlyMap<string, { revoked: boolean }> }>;

export const KEY_LABEL_MAX = 100;

export const LAST_ACTIVE_KEY_MESSAGE = 'Cannot revoke your last active API key — create a new one first';
export const ACTIVE_KEY_DELETE_MESSAGE = 'Cannot delete an active key — revoke it first';

function decide(command: KeyRingCommand, state: KeyRing): KeyRingEvent[] {
  switch (command.type) {
    case 'IssueApiKey':
      return issue(command, state);
    case 'RenameApiKey':
      return rename(command, state);
    case 'RevokeApiKey':
      return revoke(command, state);
    case 'DeleteApiKey':
      return remove(command, state);
    default:
      return assertNever(command, 'key ring command');
  }
}

function existing(state: KeyRing, keyId: string): { revoked: boolean } {
  const key = state.keys.get(keyId);
  if (!key) throw new DomainError('API_KEY_NOT_FOUND', 'API key not found');
  return key;
}

function issue(command: IssueApiKey, state: KeyRing): KeyRingEvent[] {
  if (state.keys.has(command.keyId)) throw new DomainError('CONFLICT', 'Key id already used');
  const { operatorId, keyId, keyHash, lastFour, label, by, at } = command;
  return [
    {
      type: 'ApiKeyIssued',
      data: { operatorId, keyId, keyHash, lastFour, label, tier: 'verified', issuedBy: by, issuedAt: at },
    },
  ];
}

function rename(command: RenameApiKey, state: KeyRing): KeyRingEvent[] {
  existing(state, command.keyId);
  const { operatorId, keyId, label, at } = command;
  return [{ type: 'ApiKeyRenamed', data: { operatorId, keyId, label, renamedAt: at } }];
}

function revoke(command: RevokeApiKey, state: KeyRing): KeyRingEvent[] {
  const key = existing(state, command.keyId);
  if (key.revoked) return [];
  const active = [...state.keys.values()].filter((k) => !k.revoked).length;
  if (command.by === 'operator' && active <= 1) throw new DomainError('LAST_ACTIVE_KEY', LAST_ACTIVE_KEY_MESSAGE);
  const { operatorId, keyId, by, at } = command;
  return [{ type: 'ApiKeyRevoked', data: { operatorId, keyId, revokedBy: by, revokedAt: at } }];
}

function remove(command: DeleteApiKey, state: KeyRing): KeyRingEvent[] {
  const key = existing(state, command.keyId);
  if (!key.revoked) throw new DomainError('KEY_NOT_REVOKED', ACTIVE_KEY_DELETE_MESSAGE);
  const { operatorId, keyId, at } = command;
  return [{ type: 'ApiKeyDeleted', data: { operatorId, keyId, deletedAt: at } }];
}

function evolve(state: KeyRing, event: KeyRingEvent): KeyRing {
  const keys = new Map(state.keys);
  switch (event.type) {
    case 'ApiKeyIssued':
      keys.set(event.data.keyId, { revoked: false });
      break;
    case 'ApiKeyRenamed':
      return state;
    case 'ApiKeyRevoked':
      keys.set(event.data.keyId, { revoked: true });
      break;
    case 'ApiKeyDeleted':
      keys.delete(event.data.keyId);
      break;
    default:
      return assertNever(event, 'key ring event');
  }
  return { keys };
}

export const keyRingDecider: Decider<KeyRingCommand, KeyRing, KeyRingEvent> = {
  decide,
  evolve,
  initialState: () => ({ keys: new Map() }),
};
