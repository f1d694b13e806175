import { DomainError } from '@onehazel/domain';
import type { Document, ReadStore, Scalar } from './read-store.port';

/** A page of a list and the opaque cursor of the next one (null on the last page). */
export type KeysetPage<T> = Readonly<{ items: T[]; nextCursor: string | null }>;

export type PageRequest = Readonly<{
  /** Equality on top-level fields: a declared index must serve it with `orderBy` (else NoIndexError). */
  where: Readonly<Record<string, Scalar>>;
  /** The field the list is ordered by (then by id); its values are strings (creation positions, times). */
  orderBy: string;
  limit: number;
  /** The previous page's nextCursor. */
  cursor: string | undefined;
  /** Without a cursor: the page starts past this `orderBy` value (default: at the beginning). */
  start?: string;
  /** The list ends at this `orderBy` value (inclusive): nothing past it is answered, nor a cursor towards it. */
  end?: string;
}>;

/**
 * The one keyset pagination of every list: one indexed range read of `limit + 1` documents after the
 * cursor's (orderBy value, id) pair, however many the collection holds. The extra document only says
 * whether there is a next page.
 */
export async function findPage<T extends Document>(read: ReadStore, collection: string, request: PageRequest): Promise<KeysetPage<T>> {
  const { where, orderBy, limit, cursor, start, end } = request;
  const listed = (await read.find(collection, {
    where,
    orderBy,
    after: cursor !== undefined ? decodeCursor(cursor) : start !== undefined ? { value: start, id: '' } : undefined,
    limit: limit + 1,
  })) as T[];
  const found = end === undefined ? listed : listed.filter((document) => String(document[orderBy]) <= end); // in order: a prefix
  const items = found.slice(0, limit);
  const last = items[items.length - 1];
  const nextCursor = found.length > limit && last ? encodeCursor({ value: String(last[orderBy]), id: last.id }) : null;
  return { items, nextCursor };
}

/** A page of a list already in memory (a history replayed from the log); the cursor is an opaque offset. */
export function pageOfList<T>(items: readonly T[], limit: number, cursor: string | undefined): KeysetPage<T> {
  const offset = cursor === undefined ? 0 : Number(decodeCursor(cursor).id);
  if (!Number.isInteger(offset) || offset < 0) throw invalidCursor();
  const end = offset + limit;
  return {
    items: items.slice(offset, end),
    nextCursor: end < items.length ? encodeCursor({ value: 'offset', id: String(end) }) : null,
  };
}

type CursorPosition = { value: string; id: string };

function encodeCursor(position: CursorPosition): string {
  return Buffer.from(JSON.stringify([position.value, position.id]), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): CursorPosition {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && parsed.length === 2 && parsed.every((part) => typeof part === 'string')) {
      return { value: parsed[0] as string, id: parsed[1] as string };
    }
  } catch {
    // fall through to the error below
  }
  throw invalidCursor();
}

function invalidCursor(): DomainError {
  return new DomainError('VALIDATION_FAILED', 'The cursor is not valid', [
    { field: 'cursor', problems: ['cursor must be a value a previous page returned as its next cursor (pagination.nextCursor, or children_next_cursor)'] },
  ]);
}
