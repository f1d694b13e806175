import { randomUUID } from 'node:crypto';
import { player, playerId } from '../players';
import { newDataKey, operatorKek, sealFields, sha256, wrapKey } from './crypto';
import { openPeerDb } from './db';

export type PeerTenant = Readonly<{ operatorId: string; apiKey: string; masterKey: Buffer }>;

const BATCH = 5_000;

/**
 * Inserts players `from`..`to - 1` (and the tenant's API key) straight into the peer's file, in big
 * transactions: each entity gets its own data key and sealed fields, exactly as an upsert would store it.
 */
export function seedPeer(file: string, tenant: PeerTenant, from: number, to: number, onProgress?: (done: number) => void): void {
  const db = openPeerDb(file);
  try {
    db.prepare('INSERT OR IGNORE INTO api_keys (key_hash, operator_id) VALUES (?, ?)').run(sha256(tenant.apiKey), tenant.operatorId);
    const kek = operatorKek(tenant.masterKey, tenant.operatorId);
    const insertKey = db.prepare('INSERT INTO data_keys (entity_id, wrapped) VALUES (?, ?)');
    const insertEntity = db.prepare(
      `INSERT INTO entities (operator_id, external_id, id, entity_type, data, created_at, updated_at) VALUES (?, ?, ?, 'player', ?, ?, ?)`,
    );
    const batch = db.transaction((start: number, end: number) => {
      const now = new Date().toISOString();
      for (let i = start; i < end; i++) {
        const entityId = `ent_${randomUUID()}`;
        const dataKey = newDataKey();
        insertKey.run(entityId, wrapKey(kek, tenant.operatorId, entityId, dataKey));
        const sealed = sealFields(dataKey, tenant.operatorId, entityId, player(i));
        insertEntity.run(tenant.operatorId, playerId(i), entityId, JSON.stringify(sealed), now, now);
      }
    });
    for (let start = from; start < to; start += BATCH) {
      const end = Math.min(to, start + BATCH);
      batch(start, end);
      onProgress?.(end - from);
    }
  } finally {
    db.close();
  }
}
