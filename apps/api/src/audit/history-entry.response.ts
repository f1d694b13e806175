import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { HistoryEntry } from './history-entry';

/** A history entry as the API documents it. */
export class HistoryEntryResponse implements HistoryEntry {
  @ApiProperty({ example: 'ApiKeyRevoked' }) type!: string;
  @ApiProperty() at!: string;
  @ApiProperty({ example: { kind: 'key', id: '…' } }) actor!: { kind: string; id: string };
  @ApiProperty() requestId!: string;
  @ApiPropertyOptional({ format: 'uuid', nullable: true, type: String }) keyId!: string | null;
  @ApiProperty({ description: 'The event’s data, without key hashes' }) data!: Record<string, unknown>;
}
