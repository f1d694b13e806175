import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { Collections, OperatorView } from '@onehazel/projections';
import type { ReadStore, Scalar } from '@onehazel/read-store';
import { READ_STORE } from '../../../infrastructure/tokens';
import { decodeCursor, encodeCursor } from '../../../shared/http/pagination';
import { OperatorContactCipher } from '../../operator-contact.cipher';
import { ListOperators } from './list-operators.query';

/** The platform's operators in the order they were created (log order), a page at a time. */
@QueryHandler(ListOperators)
export class ListOperatorsHandler implements IQueryHandler<ListOperators> {
  constructor(
    @Inject(READ_STORE) private readonly read: ReadStore,
    private readonly contact: OperatorContactCipher,
  ) {}

  async execute({ platformId, limit, cursor, status }: ListOperators) {
    const after = cursor === undefined ? undefined : decodeCursor(cursor);
    const where: Record<string, Scalar> = { platformId };
    if (status) where.status = status;
    const found = (await this.read.find(Collections.operators, {
      where,
      orderBy: 'createdPosition',
      after,
      limit: limit + 1,
    })) as OperatorView[];
    const operators = await Promise.all(found.slice(0, limit).map((view) => this.contact.reveal(view)));
    const last = operators[operators.length - 1];
    const nextCursor = found.length > limit && last ? encodeCursor({ value: last.createdPosition, id: last.id }) : null;
    return { operators, nextCursor };
  }
}
