import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { ApiKeyUsageView, ApiKeyView, Collections } from '@onehazel/projections';
import type { ReadStore } from '@onehazel/read-store';
import { READ_STORE } from '../../../infrastructure/tokens';
import { decodeCursor, encodeCursor } from '../../../shared/http/pagination';
import { ListKeys } from './list-keys.query';

@QueryHandler(ListKeys)
export class ListKeysHandler implements IQueryHandler<ListKeys> {
  constructor(@Inject(READ_STORE) private readonly read: ReadStore) {}

  async execute({ operatorId, limit, cursor }: ListKeys) {
    const found = (await this.read.find(Collections.apiKeys, {
      where: { operatorId },
      orderBy: 'createdPosition',
      after: cursor === undefined ? undefined : decodeCursor(cursor),
      limit: limit + 1,
    })) as ApiKeyView[];
    const page = found.slice(0, limit);
    const usage = (await this.read.getMany(Collections.apiKeyUsage, page.map((key) => key.id))) as ApiKeyUsageView[];
    const lastUsed = new Map(usage.map((u) => [u.id, u.lastUsedAt]));
    const keys = page.map((key) => ({ ...key, lastUsedAt: lastUsed.get(key.id) ?? null }));
    const last = page[page.length - 1];
    const nextCursor = found.length > limit && last ? encodeCursor({ value: last.createdPosition, id: last.id }) : null;
    return { keys, nextCursor };
  }
}
