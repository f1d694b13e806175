import { Query } from '@nestjs/cqrs';
import type { ApiKeyView } from '@onehazel/projections';

/** An operator's keys in the order they were issued, a page at a time. */
export class ListKeys extends Query<{ keys: ApiKeyView[]; nextCursor: string | null }> {
  constructor(
    readonly operatorId: string,
    readonly limit: number,
    readonly cursor: string | undefined,
  ) {
    super();
  }
}
