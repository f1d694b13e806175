import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { HistoryEntry } from '@onehazel/audit';

/** A history entry as the API documents it. */
export class HistoryEntryResponse implements HistoryEntry {
  @ApiProperty({ example: 'ApiKeyRevoked' }) type!: string;
  @ApiProperty() at!: string;
  @ApiProperty({
    example: { kind: 'agent', id: '…', keyId: '…', tokenId: '…' },
    description: 'Who: kind (admin, platform, key, session, agent, operator-token) and id; an agent (a child key) also names its key and token',
  })
  actor!: HistoryEntry['actor'];
  @ApiProperty() requestId!: string;
  @ApiPropertyOptional({ format: 'uuid', nullable: true, type: String }) keyId!: string | null;
  @ApiProperty({ example: 'key revoked by the platform', description: 'What changed, in words (no secrets, no personal data)' }) summary!: string;
  @ApiProperty({ description: 'The event’s data, without key hashes' }) data!: Record<string, unknown>;
}

/** `asOf` of a history: the subject's state at that instant, and the event that made it so. */
export class AsOfResponse {
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description: 'The state then, folded from the log with the deciders’ evolve (null: it did not exist yet). No secret, no personal data',
  })
  state!: Record<string, unknown> | null;
  @ApiPropertyOptional({ type: HistoryEntryResponse, description: 'The last event at or before the instant (absent before the first)' }) event?: HistoryEntryResponse;
}
