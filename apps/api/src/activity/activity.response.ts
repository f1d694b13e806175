import { ApiProperty } from '@nestjs/swagger';

/** What POST /operator-data-api/events answers: the event as recorded. */
export class RecordedActivityResponse {
  @ApiProperty({ example: 'evt_3f9a0c1d2e4b5a69' }) id!: string;
  @ApiProperty({ example: 'player_12345' }) externalId!: string;
  @ApiProperty({ example: 'deposit' }) eventType!: string;
  @ApiProperty({ format: 'date-time', example: '2026-04-06T10:30:00.000Z' }) occurredAt!: string;
}

/** One of an entity's events (snake_case, as seed 001 writes entities). */
export class ActivityResponse {
  @ApiProperty({ example: 'evt_3f9a0c1d2e4b5a69' }) id!: string;
  @ApiProperty({ example: 'deposit' }) event_type!: string;
  @ApiProperty({ format: 'date-time', example: '2026-04-06T10:30:00.000Z' }) occurred_at!: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'The event’s fields; personal ones (the template’s event_pii_fields) as encrypted envelopes ("oh1....")',
    example: { amount: 50, currency: 'GBP' },
  })
  data!: Record<string, unknown>;
  @ApiProperty({ description: 'true once the entity was erased: its personal fields can no longer be read' }) redacted!: boolean;
  @ApiProperty({ format: 'date-time', example: '2026-04-06T10:30:01.000Z' }) recorded_at!: string;
}

/** The events of one type, added up. */
export class EventTypeTotals {
  @ApiProperty({ example: 3 }) count!: number;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'number' },
    description: 'The sum of each numeric field of these events, by field',
    example: { amount: 150 },
  })
  sums!: Record<string, number>;
}

/** What an entity's events add up to. */
export class StateResponse {
  @ApiProperty({ example: 'player_12345' }) external_id!: string;
  @ApiProperty({ example: 3 }) event_count!: number;
  @ApiProperty({
    type: 'object',
    additionalProperties: { $ref: '#/components/schemas/EventTypeTotals' },
    description: 'Totals by event type',
    example: { deposit: { count: 3, sums: { amount: 150 } } },
  })
  by_type!: Record<string, EventTypeTotals>;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'When the first event occurred; null without events' })
  first_seen!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'When the last event occurred; null without events' })
  last_seen!: string | null;
}
