import { Command } from '@nestjs/cqrs';
import type { CommandContext } from '@onehazel/domain';

/** What a revocation did: when the token was revoked, and how many child keys went with it now. */
export type RevokedOperatorToken = Readonly<{ id: string; revokedAt: string; cascade: boolean; revokedChildKeys: number }>;

/** Revokes the token; with `cascade`, every live child key it minted too, in the same append. */
export class RevokeOperatorTokenCommand extends Command<RevokedOperatorToken> {
  constructor(
    readonly operatorId: string,
    readonly tokenId: string,
    readonly cascade: boolean,
    readonly context: CommandContext,
  ) {
    super();
  }
}
