import { Query } from '@nestjs/cqrs';
import type { KeyWithUsage } from '../../key.response';

/** An operator's keys in the order they were issued, a page at a time. */
export class ListKeys extends Query<{ keys: KeyWithUsage[]; nextCursor: string | null }> {
  constructor(
    readonly operatorId: string,
    readonly limit: number,
    readonly cursor: string | undefined,
  ) {
    super();
  }
}
