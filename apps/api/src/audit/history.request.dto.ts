import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsOptional, MaxLength } from 'class-validator';
import { DomainError } from '@onehazel/domain';
import { PageQuery } from '../http/pagination';

const INSTANT = { strict: true, strictSeparator: true } as const;

/** `?from=&to=&asOf=&limit=&cursor=` of every audit history. */
export class HistoryQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'date-time', description: 'Only the entries at or after this instant (ISO 8601)', example: '2026-03-01T00:00:00Z' })
  @IsOptional()
  @MaxLength(40)
  @IsISO8601(INSTANT)
  from?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Only the entries at or before this instant (ISO 8601)', example: '2026-03-31T23:59:59Z' })
  @IsOptional()
  @MaxLength(40)
  @IsISO8601(INSTANT)
  to?: string;

  @ApiPropertyOptional({
    format: 'date-time',
    description: 'Also answer `asOf`: the state at this instant, folded from the log up to it, and the event that made it so; entries stop there too',
    example: '2026-03-03T12:00:00Z',
  })
  @IsOptional()
  @MaxLength(40)
  @IsISO8601(INSTANT)
  asOf?: string;
}

/** The window of a valid query; VALIDATION_FAILED when `from` comes after `to`. */
export function historyWindowOf(query: HistoryQuery): { from?: string; to?: string; asOf?: string } {
  const { from, to, asOf } = query;
  if (from !== undefined && to !== undefined && Date.parse(from) > Date.parse(to)) {
    throw new DomainError('VALIDATION_FAILED', 'The request is not valid', [{ field: 'from', problems: ['from must not be after to'] }]);
  }
  return { from, to, asOf };
}
