import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ConsistentCommands } from '@onehazel/commands';
import { keyRingDecider, keyRingStream, operatorTokensDecider, operatorTokensStream } from '@onehazel/domain';
import type { ReadStore } from '@onehazel/read-store';
import { READ_STORE } from '../../../infrastructure/tokens';
import { TOKEN_STREAM_ATTEMPTS } from '../../../operator-tokens/commands/mint-operator-token/mint-operator-token.handler';
import { isChildKeyOf } from '../../child-key';
import { RenameKeyCommand } from './rename-key.command';

/** A key renamed, in the stream it lives in (a child key: its operator's token stream, isChildKeyOf). */
@CommandHandler(RenameKeyCommand)
export class RenameKeyHandler implements ICommandHandler<RenameKeyCommand> {
  constructor(
    private readonly commands: ConsistentCommands,
    @Inject(READ_STORE) private readonly read: ReadStore,
  ) {}

  async execute({ operatorId, keyId, label, context }: RenameKeyCommand): Promise<void> {
    if (await isChildKeyOf(this.read, operatorId, keyId)) {
      await this.commands.execute(
        operatorTokensDecider,
        operatorTokensStream(operatorId),
        { type: 'RenameChildKey', operatorId, keyId, label, at: context.at },
        context,
        { attempts: TOKEN_STREAM_ATTEMPTS },
      );
      return;
    }
    await this.commands.execute(keyRingDecider, keyRingStream(operatorId), { type: 'RenameApiKey', operatorId, keyId, label, at: context.at }, context);
  }
}
