import type { Decider, Event } from '../shared/event';
import { DomainError, assertNever } from '../shared/errors';

export const platformStream = (platformId: string): string => `platform-${platformId}`;

export type PlatformRegistered = Event<'PlatformRegistered', { platformId: string; name: string; registeredAt: string }>;
export type PlatformKeyIssued = Event<
  'PlatformKeyIssued',
  { platformId: string; keyId: string; keyHash: string; lastFour: string; issuedAt: string }
>;
export type PlatformKeyRevoked = Event<'PlatformKeyRevoked', { platformId: string; keyId: string; revokedAt: string }>;
export type PlatformEvent = PlatformRegistered | PlatformKeyIssued | PlatformKeyRevoked;

export type RegisterPlatform = Readonly<{ type: 'RegisterPlatform'; platformId: string; name: string; at: string }>;
export type IssuePlatformKey = Readonly<{
  type: 'IssuePlatformKey';
  platformId: string;
  keyId: string;
  keyHash: string;
  lastFour: string;
  at: string;
}>;
export type RevokePlatformKey = Readonly<{ type: 'RevokePlatformKey'; platformId: string; keyId: string; at: string }>;
export type PlatformCommand = RegisterPlatform | IssuePlatformKey | RevokePlatformKey;

export type Platform =
  | Readonly<{ status: 'unregistered' }>
  | Readonly<{ status: 'active'; id: string; name: string; keys: ReadonlyMap<string, { revoked: boolean }> }>;

export const PLATFORM_NAME_MAX = 100;

function decide(command: PlatformCommand, state: Platform): PlatformEvent[] {
  switch (command.type) {
    case 'RegisterPlatform':
      return register(command, state);
    case 'IssuePlatformKey':
      return issueKey(command, state);
    case 'RevokePlatformKey':
      return revokeKey(command, state);
    default:
      return assertNever(command, 'platform command');
  }
}

function register(command: RegisterPlatform, state: Platform): PlatformEvent[] {
  if (state.status !== 'unregistered') throw new DomainError('CONFLICT', 'Platform already registered');
  const name = command.name.trim();
  if (name.length === 0 || name.length > PLATFORM_NAME_MAX) {
    throw new DomainError('VALIDATION_FAILED', `Platform name must be 1 to ${PLATFORM_NAME_MAX} characters`);
  }
  return [{ type: 'PlatformRegistered', data: { platformId: command.platformId, name, registeredAt: command.at } }];
}

function issueKey(command: IssuePlatformKey, state: Platform): PlatformEvent[] {
  if (state.status !== 'active') throw new DomainError('PLATFORM_NOT_FOUND', 'Platform not found');
  if (state.keys.has(command.keyId)) throw new DomainError('CONFLICT', 'Key id already used');
  const { platformId, keyId, keyHash, lastFour, at } = command;
  return [{ type: 'PlatformKeyIssued', data: { platformId, keyId, keyHash, lastFour, issuedAt: at } }];
}

function revokeKey(command: RevokePlatformKey, state: Platform): PlatformEvent[] {
  if (state.status !== 'active') throw new DomainError('PLATFORM_NOT_FOUND', 'Platform not found');
  const key = state.keys.get(command.keyId);
  if (!key) throw new DomainError('PLATFORM_KEY_NOT_FOUND', 'Platform key not found');
  if (key.revoked) return [];
  return [{ type: 'PlatformKeyRevoked', data: { platformId: command.platformId, keyId: command.keyId, revokedAt: command.at } }];
}

function evolve(state: Platform, event: PlatformEvent): Platform {
  switch (event.type) {
    case 'PlatformRegistered':
      return { status: 'active', id: event.data.platformId, name: event.data.name, keys: new Map() };
    case 'PlatformKeyIssued':
      if (state.status !== 'active') return state;
      return { ...state, keys: new Map(state.keys).set(event.data.keyId, { revoked: false }) };
    case 'PlatformKeyRevoked':
      if (state.status !== 'active') return state;
      return { ...state, keys: new Map(state.keys).set(event.data.keyId, { revoked: true }) };
    default:
      return assertNever(event, 'platform event');
  }
}

export const platformDecider: Decider<PlatformCommand, Platform, PlatformEvent> = {
  decide,
  evolve,
  initialState: () => ({ status: 'unregistered' }),
};
