import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { DomainError } from '@onehazel/domain';
import { decimalInteger } from './validation';

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

export class PageQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE })
  @IsOptional()
  @Transform(decimalInteger)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit?: number;

  @ApiPropertyOptional({ description: 'Opaque cursor from the previous page (pagination.nextCursor)' })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  cursor?: string;
}

export type CursorPosition = { value: string; id: string };

export function encodeCursor(position: CursorPosition): string {
  return Buffer.from(JSON.stringify([position.value, position.id]), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): CursorPosition {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && parsed.length === 2 && parsed.every((part) => typeof part === 'string')) {
      return { value: parsed[0] as string, id: parsed[1] as string };
    }
  } catch {
    // fall through to the error below
  }
  throw decodeCursorError();
}

/** A page of an in-memory list (e.g. a history replayed from the log); the cursor is an opaque offset. */
export function pageOf<T>(items: readonly T[], limit: number, cursor: string | undefined): { items: T[]; nextCursor: string | null } {
  const offset = cursor === undefined ? 0 : Number(decodeCursor(cursor).id);
  if (!Number.isInteger(offset) || offset < 0) throw decodeCursorError();
  const end = offset + limit;
  return {
    items: items.slice(offset, end),
    nextCursor: end < items.length ? encodeCursor({ value: 'offset', id: String(end) }) : null,
  };
}

function decodeCursorError(): DomainError {
  return new DomainError('VALIDATION_FAILED', 'The cursor is not valid', [
    { field: 'cursor', problems: ['cursor must be a value returned as pagination.nextCursor'] },
  ]);
}
