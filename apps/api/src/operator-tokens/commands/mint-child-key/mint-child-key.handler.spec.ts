import { createHash, randomUUID } from 'node:crypto';
import { Actor, operatorTokensStream } from '@onehazel/domain';
import { ApiKeyView, Collections } from '@onehazel/projections';
import { contextOf, eventsOf, HandlerRuntime, keyActor, openHandlerRuntime, operatorWithKey, textOf, typesOf } from '../../../testing/handler.spec-helper';
import { RevokeKeyCommand } from '../../../keys/commands/revoke-key/revoke-key.command';
import { RevokeKeyHandler } from '../../../keys/commands/revoke-key/revoke-key.handler';
import { SubmissionQuota } from '../../submission-quota';
import { MintOperatorTokenCommand } from '../mint-operator-token/mint-operator-token.command';
import { MintOperatorTokenHandler } from '../mint-operator-token/mint-operator-token.handler';
import { RevokeOperatorTokenCommand } from '../revoke-operator-token/revoke-operator-token.command';
import { RevokeOperatorTokenHandler } from '../revoke-operator-token/revoke-operator-token.handler';
import { MintChildKeyCommand } from './mint-child-key.command';
import { MintChildKeyHandler } from './mint-child-key.handler';

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');
const tokenActor = (tokenId: string): Actor => ({ kind: 'operator-token', id: tokenId });
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** The quota's clock, and when the children are minted: the same UTC month. */
const NOW = Date.parse('2026-04-15T12:00:00.000Z');
const AT = '2026-04-06T10:30:00.000Z';

describe('MintChildKeyHandler', () => {
  let rt: HandlerRuntime;
  let quota: SubmissionQuota;
  let handler: MintChildKeyHandler;
  let operator: Awaited<ReturnType<typeof operatorWithKey>>;
  let tokenId: string;

  const mintToken = async (monthlyQuota = 1000, pct = 100) =>
    (await new MintOperatorTokenHandler(rt.commands, rt.config).execute(new MintOperatorTokenCommand(operator.operatorId, null, monthlyQuota, pct, contextOf(keyActor(operator.keyId))))).id;

  beforeEach(async () => {
    rt = await openHandlerRuntime({ OPERATOR_TOKEN_CHILDREN_MAX: '2' });
    quota = new SubmissionQuota(rt.stores.requests, rt.stores.read, () => NOW);
    handler = new MintChildKeyHandler(rt.commands, quota, rt.config);
    operator = await operatorWithKey(rt);
    tokenId = await mintToken();
  });
  afterEach(() => rt.close());

  const mint = (options: { token?: string; displayName?: string | null; commandId?: string; retry?: boolean; at?: string } = {}) => {
    const token = options.token ?? tokenId;
    return handler.execute(
      new MintChildKeyCommand(
        operator.operatorId,
        token,
        options.displayName ?? null,
        contextOf(tokenActor(token), 'req-mint-child', { commandId: options.commandId, retry: options.retry, at: options.at ?? AT }),
      ),
    );
  };
  const revokeKey = (keyId: string) =>
    new RevokeKeyHandler(rt.commands, rt.stores.read).execute(new RevokeKeyCommand(operator.operatorId, keyId, 'operator', contextOf(keyActor(operator.keyId))));

  it('answers a new oh_live_ key once under a new agent id, and records only its SHA-256 and last four characters', async () => {
    const minted = await mint({ displayName: 'edge-daemon-eu-1' });

    expect(minted).toEqual({
      keyId: expect.stringMatching(UUID),
      agentId: expect.stringMatching(UUID),
      key: expect.stringMatching(/^oh_live_[0-9a-f]{64}$/),
      tokenId,
      displayName: 'edge-daemon-eu-1',
      floorQualified: true,
      createdAt: AT,
    });
    expect(minted.agentId).not.toBe(minted.keyId);
    const events = await eventsOf(rt, operatorTokensStream(operator.operatorId));
    expect(events[events.length - 1]).toMatchObject({
      type: 'ChildKeyMinted',
      data: {
        operatorId: operator.operatorId,
        tokenId,
        keyId: minted.keyId,
        agentId: minted.agentId,
        keyHash: sha256(minted.key),
        lastFour: minted.key.slice(-4),
        displayName: 'edge-daemon-eu-1',
        tier: 'operator_child',
        mintedAt: AT,
      },
      metadata: { actor: { kind: 'operator-token', id: tokenId } },
    });
    expect(textOf(events)).not.toContain(minted.key);
    expect(textOf(events)).not.toContain(minted.key.slice('oh_live_'.length, -4));
  });

  it('answers once authentication finds the key by its hash, as an operator_child key of its token and agent', async () => {
    const minted = await mint();

    const [found] = (await rt.stores.read.find(Collections.apiKeys, { where: { keyHash: sha256(minted.key) }, limit: 1 })) as ApiKeyView[];
    expect(found).toMatchObject({
      id: minted.keyId,
      operatorId: operator.operatorId,
      tier: 'operator_child',
      issuedBy: 'operator-token',
      tokenId,
      agentId: minted.agentId,
      label: minted.displayName,
      revoked: false,
    });
    expect(JSON.stringify(found)).not.toContain(minted.key);
    expect(await rt.stores.read.get(Collections.operatorTokens, tokenId)).toMatchObject({ childrenCount: 1 });
  });

  it('names the daemon agent- and the first eight characters of its agent id when it gives no name', async () => {
    const minted = await mint();

    expect(minted.displayName).toBe(`agent-${minted.agentId.slice(0, 8)}`);
    expect(await rt.stores.read.get(Collections.apiKeys, minted.keyId)).toMatchObject({ label: `agent-${minted.agentId.slice(0, 8)}` });
  });

  it('refuses a child past OPERATOR_TOKEN_CHILDREN_MAX live ones with MAX_CHILD_KEYS; a revoked child frees its place; another token has its own cap', async () => {
    const first = await mint();
    await mint();

    await expect(mint()).rejects.toMatchObject({ code: 'MAX_CHILD_KEYS', details: { max: 2 } });
    expect(await typesOf(rt, operatorTokensStream(operator.operatorId))).toEqual(['OperatorTokenMinted', 'ChildKeyMinted', 'ChildKeyMinted']);
    await expect(mint({ token: await mintToken() })).resolves.toMatchObject({ floorQualified: true });

    await revokeKey(first.keyId);
    await expect(mint()).resolves.toMatchObject({ tokenId });
    await expect(mint()).rejects.toMatchObject({ code: 'MAX_CHILD_KEYS' });
  });

  it('refuses to mint from a revoked token with OPERATOR_TOKEN_REVOKED, and records nothing', async () => {
    await new RevokeOperatorTokenHandler(rt.commands).execute(new RevokeOperatorTokenCommand(operator.operatorId, tokenId, false, contextOf(keyActor(operator.keyId))));
    const before = await typesOf(rt, operatorTokensStream(operator.operatorId));

    await expect(mint()).rejects.toMatchObject({ code: 'OPERATOR_TOKEN_REVOKED' });
    expect(await typesOf(rt, operatorTokensStream(operator.operatorId))).toEqual(before);
  });

  it("answers floorQualified false once the token's pool for the month is used up, and true again from the 1st of the next month", async () => {
    const pooled = await mintToken(2, 100);
    const first = await mint({ token: pooled });
    await quota.count({ keyId: first.keyId, tokenId: pooled }, 'submission-1', NOW);
    const halfway = await mint({ token: pooled });
    await quota.count({ keyId: halfway.keyId, tokenId: pooled }, 'submission-2', NOW);
    await revokeKey(first.keyId);

    const late = await mint({ token: pooled });
    await revokeKey(halfway.keyId);
    const nextMonth = await mint({ token: pooled, at: '2026-05-01T00:00:00.000Z' });

    expect([first.floorQualified, halfway.floorQualified, late.floorQualified, nextMonth.floorQualified]).toEqual([true, true, false, true]);
    // Another token's pool is its own.
    await expect(mint()).resolves.toMatchObject({ floorQualified: true });
  });

  it('answers a replayed attempt of the request with KEY_SECRET_UNRECOVERABLE naming the key to revoke, and mints nothing more', async () => {
    const commandId = randomUUID();
    const first = await mint({ commandId });
    const before = await eventsOf(rt, operatorTokensStream(operator.operatorId));

    await expect(mint({ commandId, retry: true })).rejects.toMatchObject({ code: 'KEY_SECRET_UNRECOVERABLE', details: { keyId: first.keyId, agentId: first.agentId } });
    expect(await eventsOf(rt, operatorTokensStream(operator.operatorId))).toHaveLength(before.length);
  });
});
