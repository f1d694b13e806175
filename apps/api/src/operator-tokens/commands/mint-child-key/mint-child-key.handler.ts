import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ConsistentCommands } from '@onehazel/commands';
import { commandScopedUuid, generateSecret, hashSecret, lastFour } from '@onehazel/crypto';
import { DomainError, operatorTokensDecider, operatorTokensStream } from '@onehazel/domain';
import type { Config } from '@onehazel/runtime';
import { CONFIG } from '../../../infrastructure/tokens';
import { SubmissionQuota } from '../../submission-quota';
import { TOKEN_STREAM_ATTEMPTS } from '../mint-operator-token/mint-operator-token.handler';
import { MintChildKeyCommand, MintedChildKey } from './mint-child-key.command';

/**
 * A new `oh_live_` key of tier operator_child under a new agent id, within the token's cap of live
 * children; only its SHA-256 is recorded. The daemon's name defaults to `agent-` and its id's first
 * eight characters.
 */
@CommandHandler(MintChildKeyCommand)
export class MintChildKeyHandler implements ICommandHandler<MintChildKeyCommand> {
  constructor(
    private readonly commands: ConsistentCommands,
    private readonly quota: SubmissionQuota,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  async execute({ operatorId, tokenId, displayName, context }: MintChildKeyCommand): Promise<MintedChildKey> {
    const key = generateSecret('oh_live_');
    const keyId = commandScopedUuid(context.commandId, 'child-key');
    const agentId = commandScopedUuid(context.commandId, 'agent');
    const name = displayName ?? `agent-${agentId.slice(0, 8)}`;
    const { replayed, state } = await this.commands.execute(
      operatorTokensDecider,
      operatorTokensStream(operatorId),
      {
        type: 'MintChildKey',
        operatorId,
        tokenId,
        keyId,
        agentId,
        keyHash: hashSecret(key),
        lastFour: lastFour(key),
        displayName: name,
        maxChildren: this.config.operatorTokens.maxChildren,
        at: context.at,
      },
      context,
      { timeoutDetails: { keyId, agentId }, attempts: TOKEN_STREAM_ATTEMPTS },
    );
    if (replayed) {
      throw new DomainError(
        'KEY_SECRET_UNRECOVERABLE',
        'An earlier attempt of this request minted the child key, but its answer was lost before it was sent; the secret cannot be shown again. Revoke this key and mint another',
        { keyId, agentId },
      );
    }
    const token = state.tokens.get(tokenId)!;
    // Floor-qualified: the child can make at least one submission now. Its share is at least 1
    // (childShare) and it is new, so none of it is used; its token is live (the decider refuses a revoked
    // one) and its operator active (authentication checked it): what remains is the month's pool.
    const used = (await this.quota.tokenUsage([tokenId], Date.parse(context.at))).get(tokenId) ?? 0;
    const floorQualified = !token.revoked && used < token.monthlyQuotaSubmissions;
    return { keyId, agentId, key, tokenId, displayName: name, floorQualified, createdAt: context.at };
  }
}
