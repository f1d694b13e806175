import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { HistoryEntry } from './history-entry';

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
  @ApiProperty({ description: 'The event’s data, without key hashes' }) data!: Record<string, unknown>;
}
