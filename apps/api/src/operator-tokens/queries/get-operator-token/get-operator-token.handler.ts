import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { childShare, DomainError } from '@onehazel/domain';
import { ApiKeyUsageView, ApiKeyView, Collections, OperatorTokenView } from '@onehazel/projections';
import { findPage, ReadStore } from '@onehazel/read-store';
import { READ_STORE } from '../../../infrastructure/tokens';
import { SubmissionQuota } from '../../submission-quota';
import { withoutSecret } from '../list-operator-tokens/list-operator-tokens.handler';
import { GetOperatorTokenQuery, OperatorTokenDetail } from './get-operator-token.query';

/** Another operator's token answers as one that does not exist. */
@QueryHandler(GetOperatorTokenQuery)
export class GetOperatorTokenHandler implements IQueryHandler<GetOperatorTokenQuery> {
  constructor(
    @Inject(READ_STORE) private readonly read: ReadStore,
    private readonly quota: SubmissionQuota,
  ) {}

  async execute({ operatorId, tokenId, limit, cursor }: GetOperatorTokenQuery): Promise<OperatorTokenDetail> {
    const token = (await this.read.get(Collections.operatorTokens, tokenId)) as OperatorTokenView | null;
    if (!token || token.operatorId !== operatorId) throw new DomainError('UNKNOWN_OPERATOR_TOKEN', 'Operator token not found');
    // One reading of the clock for the whole answer: usage and reset of the same month, even at 00:00 UTC on the 1st.
    const now = this.quota.now();
    const month = this.quota.month(now);
    // One indexed range of child keys, one point read of their uses, one read of their counters.
    const children = await findPage<ApiKeyView>(this.read, Collections.apiKeys, { where: { tokenId }, orderBy: 'createdPosition', limit, cursor });
    const ids = children.items.map((key) => key.id);
    const [[tokenUsed], childUsed, uses] = await Promise.all([
      this.quota.tokenUsage([tokenId], now).then((usage) => [...usage.values()]),
      this.quota.childUsage(ids, now),
      this.read.getMany(Collections.apiKeyUsage, ids) as Promise<ApiKeyUsageView[]>,
    ]);
    const lastUsed = new Map(uses.map((use) => [use.id, use.lastUsedAt]));
    return {
      token: withoutSecret(token, tokenUsed ?? 0),
      childShare: childShare(token.monthlyQuotaSubmissions, token.childQuotaPct),
      resetsAt: new Date(month.resetsAt).toISOString(),
      children: {
        items: children.items.map((key) => ({
          keyId: key.id,
          agentId: key.agentId!,
          displayName: key.label,
          submissions: childUsed.get(key.id) ?? 0,
          lastUsedAt: lastUsed.get(key.id) ?? null,
          revokedAt: key.revokedAt,
        })),
        nextCursor: children.nextCursor,
      },
    };
  }
}
