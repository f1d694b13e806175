import type { RecordedEvent } from '@onehazel/event-store';
import { call, TestApp } from './harness';

/** An operator token minted through the API with one of the operator's keys (seed 003). */
export async function mintToken(t: TestApp, key: string, body: Record<string, unknown> = {}): Promise<{ id: string; token: string; body: any }> {
  const minted = await call(t.url, 'POST', '/api/v1/operator-tokens', { key, body });
  if (minted.status !== 201) throw new Error(`token not minted: ${minted.status} ${JSON.stringify(minted.body)}`);
  return { id: minted.body.data.id, token: minted.body.data.operator_token, body: minted.body.data };
}

/** A child key minted by a daemon with the token. */
export async function mintChild(t: TestApp, token: string, body: Record<string, unknown> = {}): Promise<{ key: string; keyId: string; agentId: string; body: any }> {
  const minted = await call(t.url, 'POST', '/api/v1/operator-tokens/mint-child', { key: token, body });
  if (minted.status !== 201) throw new Error(`child not minted: ${minted.status} ${JSON.stringify(minted.body)}`);
  return { key: minted.body.data.api_key, keyId: minted.body.data.key_id, agentId: minted.body.data.agent_id, body: minted.body.data };
}

/** Every event of the log, in order (small logs: the e2e specs'). */
export async function wholeLog(t: TestApp): Promise<RecordedEvent[]> {
  const head = await t.app.runtime.stores.events.headPosition();
  const recorded: RecordedEvent[] = [];
  if (!head) return recorded;
  for await (const event of t.app.runtime.stores.events.subscribeToAll({ signal: AbortSignal.timeout(2000) })) {
    recorded.push(event);
    if (event.position.commit === head.commit) break;
  }
  return recorded;
}

/** One submission of a child: an activity event on an entity that exists. */
export const deposit = (t: TestApp, key: string, externalId = 'player_1', headers: Record<string, string> = {}) =>
  call(t.url, 'POST', '/operator-data-api/events', { key, headers, body: { externalId, eventType: 'deposit', data: { amount: 5 } } });

export const player = (externalId = 'player_1') => ({
  entityType: 'player',
  externalId,
  data: { first_name: 'Ada', last_name: 'Lovelace', email: `${externalId}@example.com`, country: 'GB', currency: 'GBP' },
});
