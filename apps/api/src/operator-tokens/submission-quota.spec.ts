import type { Actor } from '@onehazel/domain';
import { contextOf, HandlerRuntime, keyActor, openHandlerRuntime, operatorWithKey } from '../testing/handler.spec-helper';
import { MintChildKeyCommand } from './commands/mint-child-key/mint-child-key.command';
import { MintChildKeyHandler } from './commands/mint-child-key/mint-child-key.handler';
import { MintOperatorTokenCommand } from './commands/mint-operator-token/mint-operator-token.command';
import { MintOperatorTokenHandler } from './commands/mint-operator-token/mint-operator-token.handler';
import { QuotaSubject, quotaMonthOf, SubmissionQuota } from './submission-quota';

/*
 * SubmissionQuota is no handler, but the quota every child key's write goes through (the submission
 * interceptor) and that MintChildKeyHandler and the token queries read: specified here on the same
 * in-memory runtime as the handler specs.
 */

const tokenActor = (tokenId: string): Actor => ({ kind: 'operator-token', id: tokenId });
/** 29.5 s before the month ends: retry_after_seconds rounds up to 30. */
const NOW = Date.parse('2026-04-30T23:59:30.500Z');
const RESETS_AT = '2026-05-01T00:00:00.000Z';

describe('SubmissionQuota', () => {
  let rt: HandlerRuntime;
  let quota: SubmissionQuota;
  let operator: Awaited<ReturnType<typeof operatorWithKey>>;

  beforeEach(async () => {
    rt = await openHandlerRuntime();
    quota = new SubmissionQuota(rt.stores.requests, rt.stores.read, () => NOW);
    operator = await operatorWithKey(rt);
  });
  afterEach(() => rt.close());

  /** A token of the operator and `children` child keys of it, as quota subjects. */
  async function tokenWithChildren(monthlyQuota: number, pct: number, children: number): Promise<{ tokenId: string; subjects: QuotaSubject[] }> {
    const minted = await new MintOperatorTokenHandler(rt.commands, rt.config).execute(
      new MintOperatorTokenCommand(operator.operatorId, null, monthlyQuota, pct, contextOf(keyActor(operator.keyId))),
    );
    const handler = new MintChildKeyHandler(rt.commands, quota, rt.config);
    const subjects: QuotaSubject[] = [];
    for (let index = 0; index < children; index++) {
      const child = await handler.execute(new MintChildKeyCommand(operator.operatorId, minted.id, null, contextOf(tokenActor(minted.id))));
      subjects.push({ keyId: child.keyId, tokenId: minted.id });
    }
    return { tokenId: minted.id, subjects };
  }

  const usage = async (tokenId: string, subjects: QuotaSubject[], now = NOW) => ({
    token: (await quota.tokenUsage([tokenId], now)).get(tokenId),
    children: [...(await quota.childUsage(subjects.map((subject) => subject.keyId), now)).values()],
  });

  it("counts each submission against its token's pool and its child's share, for the UTC month it is made in", async () => {
    const { tokenId, subjects } = await tokenWithChildren(10, 20, 2);
    const other = await tokenWithChildren(10, 20, 1);
    const [one, two] = subjects as [QuotaSubject, QuotaSubject];

    await expect(quota.count(one, 'submission-1', NOW)).resolves.toEqual({ id: 'submission-1', counted: true });
    await quota.count(one, 'submission-2', NOW);
    await quota.count(two, 'submission-3', NOW);
    await quota.count(two, 'submission-march', Date.parse('2026-03-15T09:00:00.000Z'));

    expect(await usage(tokenId, subjects)).toEqual({ token: 3, children: [2, 1] });
    expect(await usage(other.tokenId, other.subjects)).toEqual({ token: 0, children: [0] });
    expect(await usage(tokenId, subjects, Date.parse('2026-03-31T23:59:59.999Z'))).toEqual({ token: 1, children: [0, 1] });
    // The clock's month when none is given.
    expect((await quota.tokenUsage([tokenId])).get(tokenId)).toBe(3);
  });

  it("refuses a child past its share with QUOTA_EXCEEDED (child_share), while the pool's other children go on", async () => {
    const { tokenId, subjects } = await tokenWithChildren(10, 20, 2);
    const [one, two] = subjects as [QuotaSubject, QuotaSubject];
    await quota.count(one, 'submission-1', NOW);
    await quota.count(one, 'submission-2', NOW);

    await expect(quota.count(one, 'submission-3', NOW)).rejects.toMatchObject({
      code: 'QUOTA_EXCEEDED',
      details: { limit: 'child_share', quota: 2, used: 2, resets_at: RESETS_AT, retry_after_seconds: 30 },
    });
    await expect(quota.count(two, 'submission-4', NOW)).resolves.toEqual({ id: 'submission-4', counted: true });
    expect(await usage(tokenId, subjects)).toEqual({ token: 3, children: [2, 1] });
  });

  it("refuses any child once the token's monthly pool is used up with QUOTA_EXCEEDED (token_monthly_pool)", async () => {
    const { tokenId, subjects } = await tokenWithChildren(2, 50, 3);
    const [one, two, three] = subjects as [QuotaSubject, QuotaSubject, QuotaSubject];
    await quota.count(one, 'submission-1', NOW);
    await quota.count(two, 'submission-2', NOW);

    await expect(quota.count(three, 'submission-3', NOW)).rejects.toMatchObject({
      code: 'QUOTA_EXCEEDED',
      details: { limit: 'token_monthly_pool', quota: 2, used: 2, resets_at: RESETS_AT, retry_after_seconds: 30 },
    });
    expect(await usage(tokenId, subjects)).toEqual({ token: 2, children: [1, 1, 0] });
  });

  it('names the pool when the share and the pool are both used up (a share of 100 %)', async () => {
    const { subjects } = await tokenWithChildren(2, 100, 1);
    const [one] = subjects as [QuotaSubject];
    await quota.count(one, 'submission-1', NOW);
    await quota.count(one, 'submission-2', NOW);

    await expect(quota.count(one, 'submission-3', NOW)).rejects.toMatchObject({
      code: 'QUOTA_EXCEEDED',
      details: { limit: 'token_monthly_pool', quota: 2, used: 2 },
    });
  });

  it('gives a refunded submission back to the pool and the share', async () => {
    const { tokenId, subjects } = await tokenWithChildren(2, 50, 2);
    const [one, two] = subjects as [QuotaSubject, QuotaSubject];
    const counted = await quota.count(one, 'submission-1', NOW);
    await quota.count(two, 'submission-2', NOW);

    await quota.refund(counted);

    expect(await usage(tokenId, subjects)).toEqual({ token: 1, children: [0, 1] });
    await expect(quota.count(one, 'submission-3', NOW)).resolves.toEqual({ id: 'submission-3', counted: true });
  });

  it('counts a submission id once: a retry is neither counted again nor refused, and refunding the retry gives nothing back', async () => {
    const { tokenId, subjects } = await tokenWithChildren(10, 20, 1);
    const [one] = subjects as [QuotaSubject];
    await quota.count(one, 'submission-1', NOW);
    await quota.count(one, 'submission-2', NOW);

    const retry = await quota.count(one, 'submission-2', NOW);
    await quota.refund(retry);

    expect(retry).toEqual({ id: 'submission-2', counted: false });
    expect(await usage(tokenId, subjects)).toEqual({ token: 2, children: [2] });
  });

  it('rolls the month over at 00:00 UTC on the 1st: the new month counts from 0', async () => {
    const lastInstant = Date.parse('2026-12-31T23:59:59.999Z');
    const newYear = Date.parse('2027-01-01T00:00:00.000Z');
    expect(quotaMonthOf(lastInstant)).toEqual({ name: '2026-12', resetsAt: newYear });
    expect(quotaMonthOf(newYear)).toEqual({ name: '2027-01', resetsAt: Date.parse('2027-02-01T00:00:00.000Z') });
    const { tokenId, subjects } = await tokenWithChildren(2, 100, 1);
    const [one] = subjects as [QuotaSubject];
    await quota.count(one, 'submission-1', lastInstant);
    await quota.count(one, 'submission-2', lastInstant);

    await expect(quota.count(one, 'submission-3', lastInstant)).rejects.toMatchObject({
      code: 'QUOTA_EXCEEDED',
      details: { resets_at: '2027-01-01T00:00:00.000Z', retry_after_seconds: 1 },
    });
    expect(await usage(tokenId, subjects, newYear)).toEqual({ token: 0, children: [0] });
    await expect(quota.count(one, 'submission-4', newYear)).resolves.toEqual({ id: 'submission-4', counted: true });
    expect(await usage(tokenId, subjects, newYear)).toEqual({ token: 1, children: [1] });
    expect(await usage(tokenId, subjects, lastInstant)).toEqual({ token: 2, children: [2] });
  });

  it.each([
    [10, 33, 3],
    [40, 5, 2],
    [3, 10, 1],
    [1, 1, 1],
  ])('gives a child of a %i-submission pool at %i %% a share of %i: floor(quota × pct / 100), at least 1', async (monthlyQuota, pct, share) => {
    const { subjects } = await tokenWithChildren(monthlyQuota, pct, 1);
    const [one] = subjects as [QuotaSubject];
    for (let index = 0; index < share; index++) await quota.count(one, `submission-${index}`, NOW);

    await expect(quota.count(one, 'submission-over', NOW)).rejects.toMatchObject({ code: 'QUOTA_EXCEEDED', details: { quota: share, used: share } });
  });
});
