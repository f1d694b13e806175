import { Query } from '@nestjs/cqrs';
import type { ApiKeyView } from '@onehazel/projections';
import type { KeysetPage } from '@onehazel/read-store';

/** A key with when it was last used (kept apart from the key's projection). */
export type KeyWithUsage = ApiKeyView & { lastUsedAt: string | null };

/** An operator's keys in the order they were issued, a page at a time. */
export class ListKeysQuery extends Query<KeysetPage<KeyWithUsage>> {
  constructor(
    readonly operatorId: string,
    readonly limit: number,
    readonly cursor: string | undefined,
  ) {
    super();
  }
}
