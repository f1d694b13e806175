import { Query } from '@nestjs/cqrs';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** One change, as the audit history shows it: what, when, who, in which request. No secrets. */
export class HistoryEntry {
  @ApiProperty({ example: 'ApiKeyRevoked' }) type!: string;
  @ApiProperty() at!: string;
  @ApiProperty({ example: { kind: 'key', id: '…' } }) actor!: { kind: string; id: string };
  @ApiProperty() requestId!: string;
  @ApiPropertyOptional({ format: 'uuid', nullable: true, type: String }) keyId!: string | null;
  @ApiProperty({ description: 'The event’s data, without key hashes' }) data!: Record<string, unknown>;
}

/**
 * The history of an operator (its own events and its keys') or of one of its keys, replayed from the
 * log (DESIGN.md: audit history is a replay of the log, not a read model).
 */
export class History extends Query<HistoryEntry[]> {
  constructor(
    readonly operatorId: string,
    readonly keyId: string | null,
  ) {
    super();
  }
}
