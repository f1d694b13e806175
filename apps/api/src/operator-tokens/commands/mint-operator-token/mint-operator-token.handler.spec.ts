import { createHash, randomUUID } from 'node:crypto';
import { operatorTokensStream } from '@onehazel/domain';
import { Collections, OperatorTokenView } from '@onehazel/projections';
import { contextOf, eventsOf, HandlerRuntime, keyActor, openHandlerRuntime, operatorWithKey, textOf, typesOf } from '../../../testing/handler.spec-helper';
import { RevokeOperatorTokenCommand } from '../revoke-operator-token/revoke-operator-token.command';
import { RevokeOperatorTokenHandler } from '../revoke-operator-token/revoke-operator-token.handler';
import { MintOperatorTokenCommand } from './mint-operator-token.command';
import { MintOperatorTokenHandler } from './mint-operator-token.handler';

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

describe('MintOperatorTokenHandler', () => {
  let rt: HandlerRuntime;
  let handler: MintOperatorTokenHandler;
  let operator: Awaited<ReturnType<typeof operatorWithKey>>;

  beforeEach(async () => {
    rt = await openHandlerRuntime({ OPERATOR_TOKENS_MAX: '2' });
    handler = new MintOperatorTokenHandler(rt.commands, rt.config);
    operator = await operatorWithKey(rt);
  });
  afterEach(() => rt.close());

  const mint = (options: { commandId?: string; retry?: boolean; label?: string | null; operatorId?: string; keyId?: string } = {}) =>
    handler.execute(
      new MintOperatorTokenCommand(
        options.operatorId ?? operator.operatorId,
        options.label === undefined ? 'eu-west fleet' : options.label,
        500,
        20,
        contextOf(keyActor(options.keyId ?? operator.keyId), 'req-mint', { commandId: options.commandId, retry: options.retry, at: '2026-04-06T10:30:00.000Z' }),
      ),
    );
  const revoke = (tokenId: string) =>
    new RevokeOperatorTokenHandler(rt.commands).execute(new RevokeOperatorTokenCommand(operator.operatorId, tokenId, false, contextOf(keyActor(operator.keyId))));

  it('answers a new oh_op_ token once, and records only its SHA-256 and last four characters, with its label and quota', async () => {
    const minted = await mint();

    expect(minted).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/),
      token: expect.stringMatching(/^oh_op_[0-9a-f]{64}$/),
      label: 'eu-west fleet',
      monthlyQuotaSubmissions: 500,
      childQuotaPct: 20,
      createdAt: '2026-04-06T10:30:00.000Z',
    });
    const events = await eventsOf(rt, operatorTokensStream(operator.operatorId));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: 'OperatorTokenMinted',
      data: {
        operatorId: operator.operatorId,
        tokenId: minted.id,
        tokenHash: sha256(minted.token),
        lastFour: minted.token.slice(-4),
        label: 'eu-west fleet',
        monthlyQuotaSubmissions: 500,
        childQuotaPct: 20,
        mintedAt: '2026-04-06T10:30:00.000Z',
      },
      metadata: { actor: { kind: 'key', id: operator.keyId } },
    });
    expect(textOf(events)).not.toContain(minted.token);
    expect(textOf(events)).not.toContain(minted.token.slice('oh_op_'.length, -4));
  });

  it('answers once minting a child key can find the token by its hash', async () => {
    const minted = await mint({ label: null });

    const [found] = (await rt.stores.read.find(Collections.operatorTokens, { where: { tokenHash: sha256(minted.token) }, limit: 1 })) as OperatorTokenView[];
    expect(found).toMatchObject({ id: minted.id, operatorId: operator.operatorId, label: null, revoked: false, childrenCount: 0 });
    expect(JSON.stringify(found)).not.toContain(minted.token);
  });

  it('mints a different token every time', async () => {
    const one = await mint();
    const two = await mint();

    expect(one.id).not.toBe(two.id);
    expect(one.token).not.toBe(two.token);
  });

  it("refuses a token past OPERATOR_TOKENS_MAX live ones with MAX_OPERATOR_TOKENS, and records nothing; another operator's do not count", async () => {
    await mint();
    await mint();

    await expect(mint()).rejects.toMatchObject({ code: 'MAX_OPERATOR_TOKENS', details: { max: 2 } });
    expect(await typesOf(rt, operatorTokensStream(operator.operatorId))).toEqual(['OperatorTokenMinted', 'OperatorTokenMinted']);
    const other = await operatorWithKey(rt);
    await expect(mint({ operatorId: other.operatorId, keyId: other.keyId })).resolves.toMatchObject({ token: expect.stringMatching(/^oh_op_/) });
  });

  it('frees the place of a revoked token', async () => {
    const first = await mint();
    await mint();
    await revoke(first.id);

    const third = await mint();

    expect(await rt.stores.read.get(Collections.operatorTokens, third.id)).toMatchObject({ revoked: false });
    await expect(mint()).rejects.toMatchObject({ code: 'MAX_OPERATOR_TOKENS' });
  });

  it('answers a replayed attempt of the request with KEY_SECRET_UNRECOVERABLE naming the token to revoke, and mints nothing more', async () => {
    const commandId = randomUUID();
    const first = await mint({ commandId });
    const before = await eventsOf(rt, operatorTokensStream(operator.operatorId));

    await expect(mint({ commandId, retry: true })).rejects.toMatchObject({ code: 'KEY_SECRET_UNRECOVERABLE', details: { id: first.id } });
    expect(await eventsOf(rt, operatorTokensStream(operator.operatorId))).toHaveLength(before.length);
  });
});
