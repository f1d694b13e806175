import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { MintedChildKey } from './commands/mint-child-key/mint-child-key.command';
import type { MintedOperatorToken } from './commands/mint-operator-token/mint-operator-token.command';
import type { RevokedOperatorToken } from './commands/revoke-operator-token/revoke-operator-token.command';
import type { ChildUsage, OperatorTokenDetail } from './queries/get-operator-token/get-operator-token.query';
import type { OperatorTokenWithUsage } from './queries/list-operator-tokens/list-operator-tokens.query';

/* Seed 003's bodies are snake_case: these classes keep its field names. */

/** Seed 003's OperatorToken: never its secret. */
export class OperatorTokenResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) label!: string | null;
  @ApiProperty({ minimum: 1, maximum: 100000 }) monthly_quota_submissions!: number;
  @ApiProperty({ minimum: 1, maximum: 100 }) child_quota_pct!: number;
  @ApiProperty({ format: 'date-time' }) created_at!: string;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'date-time' }) revoked_at!: string | null;
  @ApiProperty({ description: 'Its live child keys' }) children_count!: number;
  @ApiProperty({ description: 'Submissions its children made this calendar month (UTC)' }) usage_this_month!: number;
}

/** `GET /api/v1/operator-tokens`. */
export class OperatorTokenListResponse {
  @ApiProperty({ type: [OperatorTokenResponse] }) tokens!: OperatorTokenResponse[];
}

/** `POST /api/v1/operator-tokens`: the token, its plaintext once, and what to do with it. */
export class MintedOperatorTokenResponse extends OperatorTokenResponse {
  @ApiProperty({ description: 'Plaintext (`oh_op_...`). Shown ONCE; only its SHA-256 is kept', example: 'oh_op_…' }) operator_token!: string;
  @ApiProperty({ type: [String], description: 'What to do next, with curl lines that work as written' }) next_steps!: string[];
}

/** A child key of a token and what it used this month. */
export class ChildUsageResponse {
  @ApiProperty({ format: 'uuid' }) key_id!: string;
  @ApiProperty({ format: 'uuid' }) agent_id!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) display_name!: string | null;
  @ApiProperty({ description: 'Submissions this calendar month (UTC)' }) submissions!: number;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'date-time', description: 'Kept about once a minute' }) last_used_at!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'date-time' }) revoked_at!: string | null;
}

/** `GET /api/v1/operator-tokens/:id`: the token, this month's usage, when it resets, and a page of its children. */
export class OperatorTokenDetailResponse extends OperatorTokenResponse {
  @ApiProperty({ description: 'The most one child may submit per month: floor(quota × pct / 100), at least 1' }) child_share!: number;
  @ApiProperty({ format: 'date-time', description: 'When this month’s counts start again: 00:00 UTC on the 1st' }) usage_resets_at!: string;
  @ApiProperty({ type: [ChildUsageResponse], description: 'A page of its child keys, oldest first (limit, cursor)' }) children!: ChildUsageResponse[];
  @ApiPropertyOptional({ nullable: true, type: String, description: 'The cursor of the next page of children; null on the last' })
  children_next_cursor!: string | null;
}

/** `DELETE /api/v1/operator-tokens/:id`: the revocation and its blast radius. */
export class RevokedOperatorTokenResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'date-time' }) revoked_at!: string;
  @ApiProperty() cascade!: boolean;
  @ApiProperty({ description: 'Child keys revoked by this request (0 without cascade)' }) revoked_child_keys!: number;
}

/** Seed 003 "Mint a child api_key". */
export class MintedChildKeyResponse {
  @ApiProperty({ format: 'uuid' }) agent_id!: string;
  @ApiProperty({ description: 'Plaintext (`oh_live_...`, tier operator_child). Shown ONCE', example: 'oh_live_…' }) api_key!: string;
  @ApiProperty({ format: 'uuid', description: 'The key’s id, for the key routes (GET /api-keys, DELETE /api-keys?id=)' }) key_id!: string;
  @ApiProperty({ enum: ['operator_child'] }) tier!: 'operator_child';
  @ApiProperty({ format: 'uuid' }) operator_token_id!: string;
  @ApiProperty() display_name!: string;
  @ApiProperty({
    description:
      'Whether the child can make at least one submission now: its share of the pool is at least 1, its token is live, its ' +
      'operator is active, and the token’s pool for this month is not used up',
  })
  is_floor_qualified!: boolean;
  @ApiProperty({ type: [String] }) next_steps!: string[];
}

export function toOperatorTokenResponse(token: OperatorTokenWithUsage): OperatorTokenResponse {
  return {
    id: token.id,
    label: token.label,
    monthly_quota_submissions: token.monthlyQuotaSubmissions,
    child_quota_pct: token.childQuotaPct,
    created_at: token.createdAt,
    revoked_at: token.revokedAt,
    children_count: token.childrenCount,
    usage_this_month: token.usageThisMonth,
  };
}

export function toMintedOperatorTokenResponse(minted: MintedOperatorToken, nextSteps: string[]): MintedOperatorTokenResponse {
  return {
    id: minted.id,
    label: minted.label,
    monthly_quota_submissions: minted.monthlyQuotaSubmissions,
    child_quota_pct: minted.childQuotaPct,
    created_at: minted.createdAt,
    revoked_at: null,
    children_count: 0,
    usage_this_month: 0,
    operator_token: minted.token,
    next_steps: nextSteps,
  };
}

const toChildUsageResponse = (child: ChildUsage): ChildUsageResponse => ({
  key_id: child.keyId,
  agent_id: child.agentId,
  display_name: child.displayName,
  submissions: child.submissions,
  last_used_at: child.lastUsedAt,
  revoked_at: child.revokedAt,
});

export function toOperatorTokenDetailResponse(detail: OperatorTokenDetail): OperatorTokenDetailResponse {
  return {
    ...toOperatorTokenResponse(detail.token),
    child_share: detail.childShare,
    usage_resets_at: detail.resetsAt,
    children: detail.children.items.map(toChildUsageResponse),
    children_next_cursor: detail.children.nextCursor,
  };
}

export function toRevokedOperatorTokenResponse(revoked: RevokedOperatorToken): RevokedOperatorTokenResponse {
  return { id: revoked.id, revoked_at: revoked.revokedAt, cascade: revoked.cascade, revoked_child_keys: revoked.revokedChildKeys };
}

export function toMintedChildKeyResponse(minted: MintedChildKey, nextSteps: string[]): MintedChildKeyResponse {
  return {
    agent_id: minted.agentId,
    api_key: minted.key,
    key_id: minted.keyId,
    tier: 'operator_child',
    operator_token_id: minted.tokenId,
    display_name: minted.displayName,
    is_floor_qualified: minted.floorQualified,
    next_steps: nextSteps,
  };
}
