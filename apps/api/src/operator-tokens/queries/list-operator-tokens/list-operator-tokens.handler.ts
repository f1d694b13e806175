import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { Collections, OperatorTokenView } from '@onehazel/projections';
import type { ReadStore } from '@onehazel/read-store';
import { READ_STORE } from '../../../infrastructure/tokens';
import { SubmissionQuota } from '../../submission-quota';
import { ListOperatorTokensQuery, OperatorTokenWithUsage } from './list-operator-tokens.query';

/** A page of 100 holds every live token: the cap of live tokens is at most 100 (configuration). */
const LIVE_TOKENS_PAGE = 100;

export function withoutSecret({ tokenHash: _hash, ...token }: OperatorTokenView, usageThisMonth: number): OperatorTokenWithUsage {
  return { ...token, usageThisMonth };
}

@QueryHandler(ListOperatorTokensQuery)
export class ListOperatorTokensHandler implements IQueryHandler<ListOperatorTokensQuery> {
  constructor(
    @Inject(READ_STORE) private readonly read: ReadStore,
    private readonly quota: SubmissionQuota,
  ) {}

  async execute({ operatorId }: ListOperatorTokensQuery): Promise<OperatorTokenWithUsage[]> {
    const tokens = (await this.read.find(Collections.operatorTokens, {
      where: { operatorId, revoked: false },
      orderBy: 'createdPosition',
      limit: LIVE_TOKENS_PAGE,
    })) as OperatorTokenView[];
    const usage = await this.quota.tokenUsage(tokens.map((token) => token.id));
    return tokens.map((token) => withoutSecret(token, usage.get(token.id) ?? 0));
  }
}
