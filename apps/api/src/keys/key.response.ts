import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { KeyWithUsage } from './queries/list-keys/list-keys.query';

/** The one answer that holds a key's plaintext (seed 002 "Create a key"). */
export class IssuedKeyResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ description: 'The plaintext key: returned once, stored only as its SHA-256', example: 'oh_live_…' })
  key!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) label!: string | null;
  @ApiProperty() createdAt!: string;
}

/** A key as its operator lists it (seed 002 "List keys"): the full hash, never the key. */
export class KeyResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() operatorId!: string;
  @ApiProperty({ description: 'SHA-256 of the key, hex' }) keyHash!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) label!: string | null;
  @ApiProperty() createdAt!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) lastUsedAt!: string | null;
  @ApiProperty() revoked!: boolean;
  @ApiProperty({ enum: ['verified', 'operator_child'], description: 'operator_child: minted by a fleet daemon from an operator token (seed 003)' })
  tier!: 'verified' | 'operator_child';
  @ApiPropertyOptional({ nullable: true, type: String, format: 'uuid', description: 'A child key’s operator token' }) operatorTokenId!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'uuid', description: 'A child key’s agent: the identity it acts as' }) agentId!: string | null;
}

/** A key as the operator's platform lists it (seed 000): masked. */
export class MaskedKeyResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() operatorId!: string;
  @ApiProperty({ example: 'oh_live_…a1b2' }) maskedKey!: string;
  @ApiProperty({ example: 'e3b0c442…', description: 'The first 8 hex characters of the SHA-256' }) keyHash!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) label!: string | null;
  @ApiProperty() createdAt!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) lastUsedAt!: string | null;
  @ApiProperty() revoked!: boolean;
}

export function toKeyResponse(view: KeyWithUsage): KeyResponse {
  const { id, operatorId, keyHash, label, createdAt, lastUsedAt, revoked, tier } = view;
  return { id, operatorId, keyHash, label, createdAt, lastUsedAt, revoked, tier, operatorTokenId: view.tokenId ?? null, agentId: view.agentId ?? null };
}

export function toMaskedKeyResponse(view: KeyWithUsage): MaskedKeyResponse {
  const { id, operatorId, label, createdAt, lastUsedAt, revoked } = view;
  return {
    id,
    operatorId,
    maskedKey: `oh_live_…${view.lastFour}`,
    keyHash: `${view.keyHash.slice(0, 8)}…`,
    label,
    createdAt,
    lastUsedAt,
    revoked,
  };
}
