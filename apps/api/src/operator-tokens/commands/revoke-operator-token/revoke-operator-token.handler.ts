import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ConsistentCommands } from '@onehazel/commands';
import { operatorTokensDecider, operatorTokensStream } from '@onehazel/domain';
import { TOKEN_STREAM_ATTEMPTS } from '../mint-operator-token/mint-operator-token.handler';
import { RevokedOperatorToken, RevokeOperatorTokenCommand } from './revoke-operator-token.command';

/**
 * Returns once authentication (the read model) refuses the token, and with `cascade` its child keys: one
 * append, so no child outlives the answer. Revoking a revoked token changes nothing but a cascade now.
 */
@CommandHandler(RevokeOperatorTokenCommand)
export class RevokeOperatorTokenHandler implements ICommandHandler<RevokeOperatorTokenCommand> {
  constructor(private readonly commands: ConsistentCommands) {}

  async execute({ operatorId, tokenId, cascade, context }: RevokeOperatorTokenCommand): Promise<RevokedOperatorToken> {
    const { events, state } = await this.commands.execute(
      operatorTokensDecider,
      operatorTokensStream(operatorId),
      { type: 'RevokeOperatorToken', operatorId, tokenId, cascade, at: context.at },
      context,
      { attempts: TOKEN_STREAM_ATTEMPTS },
    );
    const revokedChildKeys = events.filter((event) => event.type === 'ChildKeyRevoked').length;
    return { id: tokenId, revokedAt: state.tokens.get(tokenId)!.revokedAt!, cascade, revokedChildKeys };
  }
}
