import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { keyRingDecider, keyRingStream } from '@onehazel/domain';
import { ConsistentCommands } from '@onehazel/commands';
import { RenameKeyCommand } from './rename-key.command';

@CommandHandler(RenameKeyCommand)
export class RenameKeyHandler implements ICommandHandler<RenameKeyCommand> {
  constructor(private readonly commands: ConsistentCommands) {}

  async execute({ operatorId, keyId, label, context }: RenameKeyCommand): Promise<void> {
    await this.commands.execute(
      keyRingDecider,
      keyRingStream(operatorId),
      { type: 'RenameApiKey', operatorId, keyId, label, at: context.at },
      context,
    );
  }
}
