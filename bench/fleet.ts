/**
 * The fleet part of `npm run bench` (seed 003):
 *   - mint-child latency as the operator's token stream grows, up to the default caps (10 tokens of
 *     1,000 child keys each: one stream of 10,000 children). Every mint reads the stream and decides on
 *     it, so this is the figure that grows with the data; the growth between checkpoints is appended
 *     directly to the log (decided events, as the command would append them), the mints measured are
 *     real requests through the app;
 *   - the operator data API's write (an activity event) made by 50 child keys, each counted against the
 *     token's pool and its share in one atomic step of the request store, beside the same write made by
 *     the operator's own key (not counted), on the same server.
 * It measures and reports; it asserts nothing.
 */
import { randomUUID } from 'node:crypto';
import type autocannon from 'autocannon';
import { generateSecret, hashSecret, lastFour } from '@onehazel/crypto';
import { operatorTokensStream, OperatorTokenEvent } from '@onehazel/domain';
import { createLogger, loadConfig } from '@onehazel/runtime';
import { App, createApp } from '../apps/api/src/app';
import { Child, startChild } from './children';
import { LoadFigures, measure } from './load';
import { player, playerId } from './players';
import { request, silent } from './product-seed';
import { progress } from './progress';

export type MintCheckpoint = Readonly<{ children: number; streamEvents: number; mints: number; meanMs: number; p99Ms: number }>;
export type FleetFigures = Readonly<{ mintChild: MintCheckpoint[]; childWrite: LoadFigures; keyWrite: LoadFigures; children: number }>;

const TOKENS = 10;
const CHILDREN_PER_TOKEN = 1000;
const CHECKPOINTS = [0, 1000, 5000, 9900];
const MINTS_PER_CHECKPOINT = 100;
const WRITERS = 50;



type Fleet = { operatorId: string; operatorKey: string; tokens: { id: string; token: string }[]; writerKeys: string[] };

/** Appends `count` child keys of `tokenId` as MintChildKey would decide them, 500 per append. */
async function growChildren(app: App, fleet: Fleet, tokenId: string, count: number): Promise<void> {
  const stream = operatorTokensStream(fleet.operatorId);
  for (let done = 0; done < count; ) {
    const batch = Math.min(500, count - done);
    const at = new Date().toISOString();
    const events: OperatorTokenEvent[] = Array.from({ length: batch }, () => {
      const key = generateSecret('oh_live_');
      const agentId = randomUUID();
      return {
        type: 'ChildKeyMinted',
        data: { operatorId: fleet.operatorId, tokenId, keyId: randomUUID(), agentId, keyHash: hashSecret(key), lastFour: lastFour(key), displayName: `agent-${agentId.slice(0, 8)}`, tier: 'operator_child', mintedAt: at },
      };
    });
    const requestId = `bench-fleet-${randomUUID()}`;
    await app.runtime.commands.record(stream, events, { actor: { kind: 'operator-token', id: tokenId }, requestId, correlationId: requestId, causationId: requestId, at });
    done += batch;
  }
}

/** Seeds the fleet in this process and measures mint-child at each checkpoint of the stream's size. */
async function seedAndMeasureMints(dataDir: string): Promise<{ fleet: Fleet; checkpoints: MintCheckpoint[] }> {
  const config = loadConfig({ DATA_DIR: dataDir, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'warn', RATE_LIMIT_PROFESSIONAL: '1000000', RATE_LIMIT_PLATFORM: '1000000' });
  const app = await createApp(config, createLogger('warn', silent));
  try {
    const platform = await app.runtime.admin.register('Fleet bench');
    const operatorId: string = (await request(app, 'POST', '/platform-api/operators', platform.key, { name: 'Fleet', plan: 'professional', contactEmail: 'fleet@bench.example.com' })).data.id;
    const operatorKey: string = (await request(app, 'POST', `/platform-api/operators/${operatorId}/api-keys`, platform.key, {})).data.key;
    await request(app, 'PUT', '/operator-data-api/settings', operatorKey, { template: 'igaming' });
    for (let i = 0; i < WRITERS; i++) await request(app, 'POST', '/operator-data-api/entities', operatorKey, { entityType: 'player', externalId: playerId(i), data: player(i) });
    const tokens: Fleet['tokens'] = [];
    for (let i = 0; i < TOKENS; i++) {
      const minted = (await request(app, 'POST', '/api/v1/operator-tokens', operatorKey, { label: `fleet ${i}`, monthly_quota_submissions: 100_000 })).data;
      tokens.push({ id: minted.id, token: minted.operator_token });
    }
    const fleet: Fleet = { operatorId, operatorKey, tokens, writerKeys: [] };
    // The writers: 50 children of the first token, minted as daemons do.
    for (let i = 0; i < WRITERS; i++) fleet.writerKeys.push((await request(app, 'POST', '/api/v1/operator-tokens/mint-child', tokens[0]!.token, {})).data.api_key);

    const checkpoints: MintCheckpoint[] = [];
    let children = WRITERS;
    const perToken = new Map(tokens.map((token, i) => [token.id, i === 0 ? WRITERS : 0]));
    const bar = progress('fleet: mint-child as the token stream grows', CHECKPOINTS[CHECKPOINTS.length - 1]! + MINTS_PER_CHECKPOINT, 'children');
    for (const target of CHECKPOINTS) {
      // Grow to the checkpoint, filling tokens in order.
      for (const token of tokens) {
        if (children >= target) break;
        const room = Math.min(CHILDREN_PER_TOKEN - perToken.get(token.id)!, target - children);
        if (room <= 0) continue;
        await growChildren(app, fleet, token.id, room);
        perToken.set(token.id, perToken.get(token.id)! + room);
        children += room;
        bar.update(children);
      }
      const token = tokens.find((candidate) => perToken.get(candidate.id)! + MINTS_PER_CHECKPOINT <= CHILDREN_PER_TOKEN)!;
      const latencies: number[] = [];
      for (let i = 0; i < MINTS_PER_CHECKPOINT; i++) {
        const started = performance.now();
        await request(app, 'POST', '/api/v1/operator-tokens/mint-child', token.token, {});
        latencies.push(performance.now() - started);
      }
      perToken.set(token.id, perToken.get(token.id)! + MINTS_PER_CHECKPOINT);
      const measuredAt = children;
      children += MINTS_PER_CHECKPOINT;
      bar.update(children);
      const streamEvents = (await app.runtime.stores.events.readStream(operatorTokensStream(operatorId))).length;
      latencies.sort((a, b) => a - b);
      const mean = latencies.reduce((sum, ms) => sum + ms, 0) / latencies.length;
      checkpoints.push({
        children: measuredAt,
        streamEvents,
        mints: MINTS_PER_CHECKPOINT,
        meanMs: Math.round(mean * 100) / 100,
        p99Ms: Math.round(latencies[Math.ceil(0.99 * latencies.length) - 1]! * 100) / 100,
      });
    }
    bar.done(checkpoints.map((c) => `${c.children}: ${c.meanMs} ms`).join(', '));
    return { fleet, checkpoints };
  } finally {
    await app.close();
  }
}

/** POST /operator-data-api/events, each connection's requests spread over the keys and players. */
function writes(keys: readonly string[]): autocannon.RequestSpec[] {
  let n = 0;
  return [
    {
      method: 'POST',
      path: '/operator-data-api/events',
      setupRequest: (request) => {
        const i = n++;
        const key = keys[i % keys.length]!;
        return {
          ...request,
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          body: JSON.stringify({ externalId: playerId(i % WRITERS), eventType: 'deposit', data: { amount: 5 } }),
        };
      },
    },
  ];
}

export async function measureFleet(
  dataDir: string,
  productMain: string,
  nodeFlags: readonly string[],
  load: Readonly<{ connections: number; durationS: number; warmupS: number }>,
): Promise<FleetFigures> {
  const { fleet, checkpoints } = await seedAndMeasureMints(dataDir);
  const env = {
    DATA_DIR: dataDir,
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'warn',
    RATE_LIMIT_STARTER: '1000000',
    RATE_LIMIT_PROFESSIONAL: '1000000',
    RATE_LIMIT_ENTERPRISE: '1000000',
    RATE_LIMIT_PLATFORM: '1000000',
  };
  const child: Child = await startChild('product', productMain, env, nodeFlags);
  try {
    const spec = { url: child.url, ...load };
    const childWrite = await measure(child, { ...spec, label: 'fleet: activity event by 50 child keys (counted)', requests: writes(fleet.writerKeys) });
    const keyWrite = await measure(child, { ...spec, label: "fleet: activity event by the operator's key (not counted)", requests: writes([fleet.operatorKey]) });
    return { mintChild: checkpoints, childWrite, keyWrite, children: checkpoints[checkpoints.length - 1]!.children + MINTS_PER_CHECKPOINT };
  } finally {
    await child.stop();
  }
}
