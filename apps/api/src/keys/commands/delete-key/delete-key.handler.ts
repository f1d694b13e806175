import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ConsistentCommands } from '@onehazel/commands';
import { keyRingDecider, keyRingStream, operatorTokensDecider, operatorTokensStream } from '@onehazel/domain';
import type { ReadStore } from '@onehazel/read-store';
import { READ_STORE } from '../../../infrastructure/tokens';
import { TOKEN_STREAM_ATTEMPTS } from '../../../operator-tokens/commands/mint-operator-token/mint-operator-token.handler';
import { isChildKeyOf } from '../../child-key';
import { DeleteKeyCommand } from './delete-key.command';

/** Removes a revoked key from the read models; the log keeps its (hash-only) history. A child key is removed in its operator's token stream (isChildKeyOf). */
@CommandHandler(DeleteKeyCommand)
export class DeleteKeyHandler implements ICommandHandler<DeleteKeyCommand> {
  constructor(
    private readonly commands: ConsistentCommands,
    @Inject(READ_STORE) private readonly read: ReadStore,
  ) {}

  async execute({ operatorId, keyId, context }: DeleteKeyCommand): Promise<void> {
    if (await isChildKeyOf(this.read, operatorId, keyId)) {
      await this.commands.execute(
        operatorTokensDecider,
        operatorTokensStream(operatorId),
        { type: 'DeleteChildKey', operatorId, keyId, at: context.at },
        context,
        { attempts: TOKEN_STREAM_ATTEMPTS },
      );
      return;
    }
    await this.commands.execute(keyRingDecider, keyRingStream(operatorId), { type: 'DeleteApiKey', operatorId, keyId, at: context.at }, context);
  }
}
