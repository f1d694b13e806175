/**
 * The peer: the product's entity GET and upsert written the plainest way, Fastify and better-sqlite3 in
 * one process, no framework layers, no event log. It is what the product is compared with.
 *
 * Env: PEER_DB (the SQLite file, seeded by seed.ts), PEER_MASTER_KEY (base64, 32 bytes), HOST, PORT (0 for
 * any). Prints one JSON line `{"port": N}` on stdout when listening.
 */
import Fastify, { FastifyReply, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import { newDataKey, openFields, operatorKek, sealFields, sha256, unwrapKey, wrapKey } from './crypto';
import { EntityRow, openPeerDb } from './db';

const file = process.env.PEER_DB;
const master = process.env.PEER_MASTER_KEY;
if (!file || !master) throw new Error('PEER_DB and PEER_MASTER_KEY are required');
const masterKey = Buffer.from(master, 'base64');

const db = openPeerDb(file);
const selectKey = db.prepare<[string], { operator_id: string }>('SELECT operator_id FROM api_keys WHERE key_hash = ?');
const selectEntity = db.prepare<[string, string], EntityRow>(
  'SELECT id, entity_type, data, created_at, updated_at FROM entities WHERE operator_id = ? AND external_id = ?',
);
const selectDataKey = db.prepare<[string], { wrapped: string }>('SELECT wrapped FROM data_keys WHERE entity_id = ?');
const insertDataKey = db.prepare('INSERT INTO data_keys (entity_id, wrapped) VALUES (?, ?)');
const upsertEntity = db.prepare(
  `INSERT INTO entities (operator_id, external_id, id, entity_type, data, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
   ON CONFLICT (operator_id, external_id) DO UPDATE SET entity_type = excluded.entity_type, data = excluded.data, updated_at = excluded.updated_at`,
);

// Operator KEKs (HKDF once per operator) and unwrapped data keys, in memory as the product keeps them:
// an LRU of at most 10 000 keys, each served for at most 30 s (the product's EntityKeyring defaults).
const keks = new Map<string, Buffer>();
const KEY_CACHE_MAX = 10_000;
const KEY_CACHE_TTL_MS = 30_000;
const dataKeys = new Map<string, { key: Buffer; until: number }>();

function kekOf(operatorId: string): Buffer {
  let kek = keks.get(operatorId);
  if (!kek) keks.set(operatorId, (kek = operatorKek(masterKey, operatorId)));
  return kek;
}

function remember(entityId: string, key: Buffer): Buffer {
  dataKeys.delete(entityId);
  dataKeys.set(entityId, { key, until: Date.now() + KEY_CACHE_TTL_MS });
  if (dataKeys.size > KEY_CACHE_MAX) dataKeys.delete(dataKeys.keys().next().value!);
  return key;
}

function dataKeyOf(operatorId: string, entityId: string): Buffer | null {
  const cached = dataKeys.get(entityId);
  if (cached && cached.until > Date.now()) return remember(entityId, cached.key);
  const row = selectDataKey.get(entityId);
  return row ? remember(entityId, unwrapKey(kekOf(operatorId), operatorId, entityId, row.wrapped)) : null;
}

const fail = (reply: FastifyReply, status: number, code: string, message: string) =>
  reply.status(status).send({ success: false, error: { code, message }, requestId: reply.request.id });

/** Bearer oh_live_...: SHA-256 of the key, one primary-key read for its operator. */
function operatorOf(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (typeof header !== 'string' || !header.startsWith('Bearer oh_live_')) return null;
  return selectKey.get(sha256(header.slice('Bearer '.length)))?.operator_id ?? null;
}

const app = Fastify({ logger: false, bodyLimit: 1_048_576 });

app.get<{ Params: { externalId: string } }>('/operator-data-api/entities/:externalId', async (request, reply) => {
  const operatorId = operatorOf(request);
  if (!operatorId) return fail(reply, 401, 'UNAUTHORIZED', 'Invalid API key');
  const row = selectEntity.get(operatorId, request.params.externalId);
  if (!row) return fail(reply, 404, 'ENTITY_NOT_FOUND', 'Entity not found');
  const key = dataKeyOf(operatorId, row.id);
  if (!key) return fail(reply, 500, 'DATA_UNREADABLE', 'The entity has no data key');
  return {
    success: true,
    data: {
      id: row.id,
      external_id: request.params.externalId,
      entity_type: row.entity_type,
      data: openFields(key, operatorId, row.id, JSON.parse(row.data) as Record<string, unknown>),
      created_at: row.created_at,
      updated_at: row.updated_at,
    },
  };
});

const REQUIRED = ['first_name', 'last_name', 'email', 'country', 'currency'] as const;

/** Minimal validation: the envelope's fields and the template's required fields, with their types. */
function problems(body: unknown): string[] {
  if (typeof body !== 'object' || body === null) return ['body must be an object'];
  const { entityType, externalId, data } = body as Record<string, unknown>;
  const found: string[] = [];
  if (entityType !== 'player') found.push('entityType must be "player"');
  if (typeof externalId !== 'string' || externalId.length === 0 || externalId.length > 255) found.push('externalId must be a string');
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return [...found, 'data must be an object'];
  for (const field of REQUIRED) {
    if (typeof (data as Record<string, unknown>)[field] !== 'string') found.push(`data.${field} must be a string`);
  }
  return found;
}

// The new data key and the entity are written in one transaction: one fsync'd commit per request.
const writeEntity = db.transaction(
  (operatorId: string, externalId: string, entityId: string, entityType: string, data: string, now: string, wrapped: string | null) => {
    if (wrapped !== null) insertDataKey.run(entityId, wrapped);
    upsertEntity.run(operatorId, externalId, entityId, entityType, data, now, now);
  },
);

app.post('/operator-data-api/entities', async (request, reply) => {
  const operatorId = operatorOf(request);
  if (!operatorId) return fail(reply, 401, 'UNAUTHORIZED', 'Invalid API key');
  const found = problems(request.body);
  if (found.length > 0) return fail(reply, 400, 'VALIDATION_FAILED', found.join('; '));
  const { entityType, externalId, data } = request.body as { entityType: string; externalId: string; data: Record<string, unknown> };
  const existing = selectEntity.get(operatorId, externalId);
  const entityId = existing?.id ?? `ent_${randomUUID()}`;
  const key = existing ? dataKeyOf(operatorId, entityId) : newDataKey();
  if (!key) return fail(reply, 409, 'CONFLICT', 'The entity has no data key');
  const wrapped = existing ? null : wrapKey(kekOf(operatorId), operatorId, entityId, key);
  const sealed = JSON.stringify(sealFields(key, operatorId, entityId, data));
  writeEntity(operatorId, externalId, entityId, entityType, sealed, new Date().toISOString(), wrapped);
  if (!existing) remember(entityId, key);
  return reply
    .status(existing ? 200 : 201)
    .send({ success: true, data: { id: entityId, externalId, entityType, action: existing ? 'updated' : 'created' } });
});

app
  .listen({ host: process.env.HOST ?? '127.0.0.1', port: Number(process.env.PORT ?? 0) })
  .then(() => {
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    process.stdout.write(`${JSON.stringify({ port })}\n`);
  })
  .catch((error: unknown) => {
    process.stderr.write(`peer failed to start: ${String(error)}\n`);
    process.exit(1);
  });

const shutdown = (): void => {
  app.close().finally(() => {
    db.close();
    process.exit(0);
  });
};
process.once('SIGTERM', shutdown);
process.once('SIGINT', shutdown);
