import { Inject, Injectable } from '@nestjs/common';
import { createHash, createHmac } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { CryptoError, DataKey, deriveOperatorKek, EntityKeyring, isEnvelope, MasterKeys, open, seal } from '@onehazel/crypto';
import { DomainError, ExternalIdRef } from '@onehazel/domain';
import type { OperatorView } from '@onehazel/projections';
import { KEYRING, MASTER_KEYS } from '../infrastructure/tokens';

/** The operator's own data key, in the key store beside its entities' keys. */
const PROFILE = 'profile';
const CONTACT_FIELD = 'contactEmail';
/**
 * The operator's lookup key, in the key store beside its entities' keys: the HMAC key of its externalIds'
 * hashes. A random key (not one derived from the master key), so that a master-key rotation, which only
 * re-wraps it, leaves every hash, and so every lookup, as it was.
 */
const LOOKUP = 'external-ids';
/** The envelope field of an entity's externalId: `$` keeps it apart from every data field a template may name. */
const EXTERNAL_ID_FIELD = '$externalId';

/**
 * Entity fields sealed for a command: the data with its personal fields as envelopes, the externalId as
 * its keyed hash and its envelope, and the key that sealed them.
 */
export type SealedFields = Readonly<{ data: Record<string, unknown>; externalIdRef: ExternalIdRef; keyId: string }>;

/**
 * The one place that seals and opens personal data (DESIGN.md §6): AES-256-GCM envelopes whose AAD binds
 * each to operator, entity and field, under the entity's own data key (or the operator's profile key for
 * its contact e-mail). Destroying an entity's key here is its erasure: every envelope of it, in the log
 * or anywhere, is unreadable from then on. Stored Idempotency-Key answers, which may hold personal data or
 * a new key's plaintext, are sealed here too, under a key derived from the master key per tenant.
 */
@Injectable()
export class PersonalDataCipher {
  private readonly answerKeys = new LRUCache<string, DataKey>({ max: 10_000 });

  constructor(
    @Inject(KEYRING) private readonly keyring: EntityKeyring,
    @Inject(MASTER_KEYS) private readonly masterKeys: MasterKeys,
  ) {}

  // --- an operator's contact e-mail ---

  async sealOperatorContact(operatorId: string, contactEmail: string): Promise<string> {
    const key = (await this.keyring.forEntity(operatorId, PROFILE, { create: true }))!;
    return seal(key, { operatorId, entityId: PROFILE, field: CONTACT_FIELD }, contactEmail);
  }

  async openOperatorContact(operatorId: string, envelope: string): Promise<string> {
    if (!isEnvelope(envelope)) throw unreadable('ENVELOPE_MALFORMED');
    const key = await this.keyring.forEntity(operatorId, PROFILE, { create: false });
    if (!key) throw unreadable('KEY_DESTROYED');
    return opening(() => open(key, { operatorId, entityId: PROFILE, field: CONTACT_FIELD }, envelope) as string);
  }

  /** The operator as its platform sees it: the contact e-mail decrypted. */
  async revealOperator(view: OperatorView): Promise<OperatorView> {
    return { ...view, contactEmail: await this.openOperatorContact(view.id, view.contactEmail) };
  }

  // --- an entity's fields and its activity events' fields ---

  /**
   * The externalId's keyed hash: HMAC-SHA256 under the operator's lookup key. The hash names the entity's
   * stream and finds it in the read model; without the lookup key (wrapped under the master key) a
   * guessed id cannot be checked against it. Null when `create` is false and the operator has no lookup
   * key yet (then no entity of it was recorded by hash).
   */
  async externalIdHash(operatorId: string, externalId: string, options: { create: boolean }): Promise<string | null> {
    const key = await this.keyring.forEntity(operatorId, LOOKUP, options);
    return key && createHmac('sha256', key.key).update(`${operatorId}\n${externalId}`, 'utf8').digest('hex');
  }

  /**
   * Seals `fields` of `data`, and the externalId, with the entity's key, creating the key when `create`
   * (a new entity). Null when the key is gone: a live entity's key is never created again, since it is
   * being erased.
   */
  async sealEntityFields(
    operatorId: string,
    entityId: string,
    externalId: string,
    data: Readonly<Record<string, unknown>>,
    fields: readonly string[],
    options: { create: boolean },
  ): Promise<SealedFields | null> {
    const [key, externalIdHash] = await Promise.all([
      this.keyring.forEntity(operatorId, entityId, options),
      this.externalIdHash(operatorId, externalId, { create: true }),
    ]);
    if (!key) return null;
    const sealed: Record<string, unknown> = { ...data };
    for (const field of fields) sealed[field] = seal(key, { operatorId, entityId, field }, data[field]);
    const sealedExternalId = seal(key, { operatorId, entityId, field: EXTERNAL_ID_FIELD }, externalId);
    return { data: sealed, externalIdRef: { externalIdHash: externalIdHash!, sealedExternalId }, keyId: key.keyId };
  }

  /**
   * An entity's externalId from its envelope, for lists (the operator's handle on the record); null when
   * the entity's key is gone (it is being erased) or the envelope does not open: never a wrong id.
   */
  async openExternalId(operatorId: string, entityId: string, envelope: string): Promise<string | null> {
    if (!isEnvelope(envelope)) return null;
    const key = await this.keyring.forEntity(operatorId, entityId, { create: false });
    if (!key) return null;
    try {
      return open(key, { operatorId, entityId, field: EXTERNAL_ID_FIELD }, envelope) as string;
    } catch (error) {
      if (error instanceof CryptoError) return null;
      throw error;
    }
  }

  /** The entity's data with its sealed fields opened; DATA_UNREADABLE when one does not open, never wrong data. */
  async openEntityFields(
    operatorId: string,
    entityId: string,
    data: Readonly<Record<string, unknown>>,
    fields: readonly string[],
  ): Promise<Record<string, unknown>> {
    const sealed = fields.filter((field) => Object.hasOwn(data, field));
    const opened: Record<string, unknown> = { ...data };
    if (sealed.length === 0) return opened;
    // A personal field that is not an envelope was written by something else than this API: never serve it.
    if (sealed.some((field) => !isEnvelope(data[field]))) throw unreadable('ENVELOPE_MALFORMED');
    const key = await this.keyring.forEntity(operatorId, entityId, { create: false });
    if (!key) throw unreadable();
    return opening(() => {
      for (const field of sealed) opened[field] = open(key, { operatorId, entityId, field }, data[field] as string);
      return opened;
    });
  }

  /**
   * Seals `fields` of an activity event's data with its entity's key, the AAD naming the event, so that
   * they are erased with the entity. Null when the entity's key is gone (it is being erased).
   */
  async sealEventFields(
    operatorId: string,
    entityId: string,
    eventId: string,
    data: Readonly<Record<string, unknown>>,
    fields: readonly string[],
  ): Promise<Record<string, unknown> | null> {
    const key = await this.keyring.forEntity(operatorId, entityId, { create: false });
    if (!key) return null;
    const sealed: Record<string, unknown> = { ...data };
    for (const field of fields) sealed[field] = seal(key, { operatorId, entityId, field: `event:${eventId}:${field}` }, data[field]);
    return sealed;
  }

  /** Crypto-shredding: hard-deletes the entity's data key. Answers whether there was one. */
  eraseEntity(operatorId: string, entityId: string): Promise<boolean> {
    return this.keyring.destroy(operatorId, entityId);
  }

  // --- stored answers of Idempotency-Key requests ---

  /** An answer to store for replays, sealed under the tenant's answer key (current master key). */
  async sealAnswer(scope: string, requestKey: string, body: unknown): Promise<string> {
    const key = await this.answerKey(scope, this.masterKeys.current.id);
    return seal(key, { operatorId: scope, entityId: hashed(requestKey), field: 'response' }, body ?? null);
  }

  async openAnswer(scope: string, requestKey: string, stored: string): Promise<unknown> {
    const masterKeyId = stored.split('.')[1]!;
    return open(await this.answerKey(scope, masterKeyId), { operatorId: scope, entityId: hashed(requestKey), field: 'response' }, stored);
  }

  /**
   * The keys of a request's body fingerprint: one per master key this server has (current first), so a
   * retry across a master-key rotation is still the same request. Keyed, so that a stored fingerprint of
   * a body with personal data cannot be checked against guesses.
   */
  async fingerprintKeys(scope: string): Promise<Buffer[]> {
    const ids = [this.masterKeys.current.id, ...this.masterKeys.previousIds];
    return Promise.all(ids.map(async (id) => (await this.answerKey(scope, id)).key));
  }

  /** Per (master key, tenant), derived once and cached: HKDF is not run per request. */
  private async answerKey(scope: string, masterKeyId: string): Promise<DataKey> {
    const cacheKey = `${masterKeyId}\n${scope}`;
    const cached = this.answerKeys.get(cacheKey);
    if (cached) return cached;
    const master = this.masterKeys.get(masterKeyId);
    if (!master) throw new DomainError('INTERNAL_ERROR', 'The stored answer was encrypted with a master key this server does not have');
    const dataKey: DataKey = { keyId: master.id, version: 1, key: await deriveOperatorKek(master.key, `idempotency:${scope}`) };
    this.answerKeys.set(cacheKey, dataKey);
    return dataKey;
  }
}

/**
 * What erasure reaches besides the key: stored Idempotency-Key answers are kept per tenant scope and
 * tagged with the entity they are about, so that erasing the entity purges them too.
 */
export const ErasureSubject = {
  /** The tenant scope of an operator's stored answers. */
  scopeOf: (operatorId: string): string => `operator:${operatorId}`,
  /** The entity an answer is about (seed 001's upsert answers carry its `ent_` id), or null. */
  ofAnswer(body: unknown): string | null {
    const id = (body as { data?: { id?: unknown } } | null)?.data?.id;
    return typeof id === 'string' && id.startsWith('ent_') ? id : null;
  },
  /** The entity a failure is about (a CONSISTENCY_TIMEOUT names what was created), or null. */
  ofDetails(details: unknown): string | null {
    const id = (details as { entityId?: unknown } | undefined)?.entityId;
    return typeof id === 'string' ? id : null;
  },
} as const;

function opening<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof CryptoError) throw unreadable(error.code);
    throw error;
  }
}

/** Never wrong data: an envelope that does not open is an error, with no plaintext or key in it. */
function unreadable(reason?: string): DomainError {
  return new DomainError('DATA_UNREADABLE', 'Stored personal data could not be decrypted', reason ? { reason } : undefined);
}

const hashed = (key: string): string => createHash('sha256').update(key).digest('hex');
