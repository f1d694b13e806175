import type { ChildKeyTier, KeyManager, KeyTier, OperatorPlan, OperatorStatus, StoredEntityData, Template } from '@onehazel/domain';

/** Collection names of the read models. */
export const Collections = {
  platforms: 'platforms',
  platformKeys: 'platform_keys',
  operators: 'operators',
  apiKeys: 'api_keys',
  /** Not a projection: when keys were last used (LastUsedRecorder), keyed by key id. */
  apiKeyUsage: 'api_key_usage',
  operatorSettings: 'operator_settings',
  entities: 'entities',
  entityEvents: 'entity_events',
  entityStates: 'entity_states',
  operatorTokens: 'operator_tokens',
} as const;

export type PlatformView = {
  id: string;
  name: string;
  registeredAt: string;
  keys: Record<string, { keyHash: string; lastFour: string; revoked: boolean; issuedAt: string }>;
};

/** Keyed by the SHA-256 of the key: what authentication looks up. */
export type PlatformKeyView = {
  id: string;
  keyId: string;
  platformId: string;
  lastFour: string;
  revoked: boolean;
  issuedAt: string;
  revokedAt: string | null;
};

export type OperatorView = {
  id: string;
  platformId: string;
  name: string;
  plan: OperatorPlan;
  contactEmail: string;
  industry: string | null;
  status: OperatorStatus;
  createdAt: string;
  updatedAt: string;
  suspendedAt: string | null;
  /** Where OperatorCreated stands in the log (sortablePosition): lists are in creation order. */
  createdPosition: string;
};

/** An operator's API key: looked up by hash to authenticate, listed by operator. Never the key itself. */
export type ApiKeyView = {
  id: string;
  operatorId: string;
  keyHash: string;
  lastFour: string;
  label: string | null;
  tier: KeyTier | ChildKeyTier;
  /** Who made it: the operator, its platform, or (a child key) one of its operator tokens. */
  issuedBy: KeyManager | 'operator-token';
  /** A child key's token and the daemon identity it acts under. */
  tokenId?: string;
  agentId?: string;
  createdAt: string;
  revoked: boolean;
  revokedAt: string | null;
  createdPosition: string;
  /**
   * The key's operator's status and plan, kept on the key so that authenticating a request is one read.
   * Absent on keys projected before they were kept here (then authentication reads the operator).
   */
  operatorStatus?: OperatorStatus;
  operatorPlan?: OperatorPlan;
};

export type ApiKeyUsageView = { id: string; lastUsedAt: string };

export type OperatorSettingsView = { id: string; template: Template; configuredAt: string };

/**
 * An operator's entity, personal fields still as envelopes. After erasure: a deletion marker (no data,
 * erased: true), so that a rebuild from the log ends the same way.
 */
export type EntityView = {
  id: string;
  operatorId: string;
  /** The keyed hash of the externalId, for lookups; null for entities of schemaVersion 1, and once erased. */
  externalIdHash: string | null;
  /** The externalId as an envelope under the entity's key; null for entities of schemaVersion 1, and once erased. */
  sealedExternalId: string | null;
  /**
   * The externalId in clear: only entities of schemaVersion 1 have it (they are looked up by it, in an
   * index where every other entity holds null, so its entries stay short); null once erased.
   */
  externalId: string | null;
  entityType: string;
  data: StoredEntityData;
  piiFields: readonly string[];
  erased: boolean;
  createdAt: string;
  updatedAt: string;
  erasedAt: string | null;
  createdPosition: string;
};

/** One activity event of an entity; after the entity's erasure, its payload is stripped (redacted). */
export type EntityEventView = {
  id: string;
  operatorId: string;
  entityId: string;
  eventType: string;
  occurredAt: string;
  data: StoredEntityData;
  piiFields: readonly string[];
  redacted: boolean;
  recordedAt: string;
  recordedPosition: string;
};

/** What the projector derives from an entity's events: counts and sums per event type, first and last seen. */
export type EntityStateView = {
  id: string;
  operatorId: string;
  eventCount: number;
  byType: Record<string, { count: number; sums: Record<string, number> }>;
  firstSeen: string;
  lastSeen: string;
};

/** An operator token (seed 003): looked up by hash to mint child keys, listed by operator. Never the token itself. */
export type OperatorTokenView = {
  id: string;
  operatorId: string;
  tokenHash: string;
  lastFour: string;
  label: string | null;
  monthlyQuotaSubmissions: number;
  childQuotaPct: number;
  createdAt: string;
  revoked: boolean;
  revokedAt: string | null;
  /** Its live child keys. */
  childrenCount: number;
  createdPosition: string;
};
