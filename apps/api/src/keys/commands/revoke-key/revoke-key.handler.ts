import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ConsistentCommands } from '@onehazel/commands';
import { keyRingDecider, keyRingStream, operatorTokensDecider, operatorTokensStream } from '@onehazel/domain';
import type { ReadStore } from '@onehazel/read-store';
import { READ_STORE } from '../../../infrastructure/tokens';
import { isChildKeyOf } from '../../child-key';
import { TOKEN_STREAM_ATTEMPTS } from '../../../operator-tokens/commands/mint-operator-token/mint-operator-token.handler';
import { RevokeKeyCommand } from './revoke-key.command';

/**
 * Returns only once authentication (the read model) refuses the key. A child key is revoked in its
 * operator's token stream (isChildKeyOf); child keys never count for the last-active-key guard.
 */
@CommandHandler(RevokeKeyCommand)
export class RevokeKeyHandler implements ICommandHandler<RevokeKeyCommand> {
  constructor(
    private readonly commands: ConsistentCommands,
    @Inject(READ_STORE) private readonly read: ReadStore,
  ) {}

  async execute({ operatorId, keyId, by, context }: RevokeKeyCommand): Promise<void> {
    if (await isChildKeyOf(this.read, operatorId, keyId)) {
      await this.commands.execute(
        operatorTokensDecider,
        operatorTokensStream(operatorId),
        { type: 'RevokeChildKey', operatorId, keyId, at: context.at },
        context,
        { attempts: TOKEN_STREAM_ATTEMPTS },
      );
      return;
    }
    await this.commands.execute(keyRingDecider, keyRingStream(operatorId), { type: 'RevokeApiKey', operatorId, keyId, by, at: context.at }, context);
  }
}
