/**
 * The key store port (DESIGN.md §2, §6): per-entity data keys, stored wrapped (encrypted under the
 * operator's key-encryption key), mutable and hard-deletable. Never in an event. Destroying an entity's
 * key is what erases its personal data (crypto-shredding). Adapters: SQLite (embedded) and MongoDB.
 */

export type WrappedDataKey = Readonly<{
  operatorId: string;
  entityId: string;
  /** Random id of the data key; envelopes name it. */
  keyId: string;
  /** Version of the data key (rotation of the data key itself); 1 for a new key. */
  version: number;
  /** Id of the master key whose operator KEK wrapped this data key (master-key rotation). */
  masterKeyId: string;
  /** The wrapped key: base64url of nonce | ciphertext | tag (AES-256-GCM under the operator KEK). */
  wrapped: string;
  createdAt: string;
}>;

export interface KeyStore {
  /** Stores a new key. When (operatorId, entityId) already has one, stores nothing and answers the existing one. */
  create(key: WrappedDataKey): Promise<WrappedDataKey>;
  get(operatorId: string, entityId: string): Promise<WrappedDataKey | null>;
  /**
   * Replaces the wrapping of a key (after a master-key rotation), compare-and-set: only while the stored
   * key is still `expected` (same key id, version and wrapping). A key destroyed, or destroyed and
   * created again, since it was read is left alone (false), so an erased key can never come back.
   */
  rewrap(expected: WrappedDataKey, masterKeyId: string, wrapped: string): Promise<boolean>;
  /**
   * Hard-deletes the key, so that no copy of it remains readable in the store's files (SQLite:
   * secure_delete and a WAL checkpoint). Answers whether there was one.
   */
  destroy(operatorId: string, entityId: string): Promise<boolean>;
  /**
   * Keys wrapped by a master key other than `masterKeyId`, a page at a time, in no particular order (for
   * re-wrapping: a page re-wrapped leaves the listing). An index range, never a walk of the whole store.
   */
  listWrappedWithOther(masterKeyId: string, limit: number): Promise<WrappedDataKey[]>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
