import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ConsistentCommands } from '@onehazel/commands';
import { commandScopedUuid, generateSecret, hashSecret, lastFour } from '@onehazel/crypto';
import { DomainError, operatorTokensDecider, operatorTokensStream } from '@onehazel/domain';
import type { Config } from '@onehazel/runtime';
import { CONFIG } from '../../../infrastructure/tokens';
import { MintedOperatorToken, MintOperatorTokenCommand } from './mint-operator-token.command';

/**
 * Concurrent writers of one operator's token stream (mints, child keys, revocations) are re-decided on
 * each lost race: N racers need N rounds.
 */
export const TOKEN_STREAM_ATTEMPTS = 12;

/** A new `oh_op_` token under the operator's cap of live tokens: only its SHA-256 is recorded. */
@CommandHandler(MintOperatorTokenCommand)
export class MintOperatorTokenHandler implements ICommandHandler<MintOperatorTokenCommand> {
  constructor(
    private readonly commands: ConsistentCommands,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  async execute({ operatorId, label, monthlyQuotaSubmissions, childQuotaPct, context }: MintOperatorTokenCommand): Promise<MintedOperatorToken> {
    const token = generateSecret('oh_op_');
    const tokenId = commandScopedUuid(context.commandId, 'operator-token');
    const { replayed } = await this.commands.execute(
      operatorTokensDecider,
      operatorTokensStream(operatorId),
      {
        type: 'MintOperatorToken',
        operatorId,
        tokenId,
        tokenHash: hashSecret(token),
        lastFour: lastFour(token),
        label,
        monthlyQuotaSubmissions,
        childQuotaPct,
        maxTokens: this.config.operatorTokens.maxTokens,
        at: context.at,
      },
      context,
      { timeoutDetails: { id: tokenId }, attempts: TOKEN_STREAM_ATTEMPTS },
    );
    if (replayed) {
      throw new DomainError(
        'KEY_SECRET_UNRECOVERABLE',
        'An earlier attempt of this request minted the operator token, but its answer was lost before it was sent; the secret cannot be shown again. Revoke this token and mint another',
        { id: tokenId },
      );
    }
    return { id: tokenId, token, label, monthlyQuotaSubmissions, childQuotaPct, createdAt: context.at };
  }
}
