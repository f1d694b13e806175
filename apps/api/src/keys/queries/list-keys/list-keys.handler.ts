import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { ApiKeyUsageView, ApiKeyView, Collections } from '@onehazel/projections';
import { findPage, KeysetPage, ReadStore } from '@onehazel/read-store';
import { READ_STORE } from '../../../infrastructure/tokens';
import { KeyWithUsage, ListKeysQuery } from './list-keys.query';

@QueryHandler(ListKeysQuery)
export class ListKeysHandler implements IQueryHandler<ListKeysQuery> {
  constructor(@Inject(READ_STORE) private readonly read: ReadStore) {}

  async execute({ operatorId, limit, cursor }: ListKeysQuery): Promise<KeysetPage<KeyWithUsage>> {
    const { items, nextCursor } = await findPage<ApiKeyView>(this.read, Collections.apiKeys, { where: { operatorId }, orderBy: 'createdPosition', limit, cursor });
    // One point read per page for the uses: lastUsedAt is not an event and lives apart from the keys.
    const usage = (await this.read.getMany(Collections.apiKeyUsage, items.map((key) => key.id))) as ApiKeyUsageView[];
    const lastUsed = new Map(usage.map((u) => [u.id, u.lastUsedAt]));
    return { items: items.map((key) => ({ ...key, lastUsedAt: lastUsed.get(key.id) ?? null })), nextCursor };
  }
}
