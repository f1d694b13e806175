import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { DATA_FIELD_NAME_RULE, dataKeyProblems, EVENT_TYPE, EVENT_TYPE_RULE } from '@onehazel/domain';
import { EXTERNAL_ID_DESCRIPTION, IsExternalId, UserNamedMap } from '../../../http/names.validation';

/** Fields an activity event's data may hold. */
const MAX_EVENT_DATA_KEYS = 100;

/** The problems of an event's data: too many fields, or a field's name (DATA_FIELD_NAME_RULE). */
export function eventDataProblems(data: Record<string, unknown>): { field: string; problems: string[] }[] {
  const count = Object.keys(data).length;
  if (count > MAX_EVENT_DATA_KEYS) return [{ field: 'data', problems: [`data may hold at most ${MAX_EVENT_DATA_KEYS} fields, not ${count}`] }];
  return dataKeyProblems(data);
}

/** Seed 001 "Record an event". Presence is checked by the controller (MISSING_FIELDS). */
export class RecordActivityRequest {
  @ApiProperty({ example: 'player_12345', description: EXTERNAL_ID_DESCRIPTION, minLength: 1, maxLength: 255 })
  @IsOptional()
  @IsExternalId()
  externalId?: string;

  @ApiProperty({ example: 'deposit', description: `The kind of event: ${EVENT_TYPE_RULE}` })
  @IsOptional()
  @IsString()
  @Matches(EVENT_TYPE, { message: `eventType must be ${EVENT_TYPE_RULE}` })
  eventType?: string;

  @ApiPropertyOptional({ example: '2026-04-06T10:30:00Z', description: 'When it happened; default: now' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'occurredAt must be an ISO 8601 date-time' })
  @MaxLength(40)
  occurredAt?: string;

  @ApiPropertyOptional({
    example: { amount: 50, currency: 'GBP', ip_address: '203.0.113.7' },
    description: `The event's fields, at most ${MAX_EVENT_DATA_KEYS}, each named by the rule: ${DATA_FIELD_NAME_RULE}`,
  })
  @UserNamedMap()
  data?: Record<string, unknown>;
}
