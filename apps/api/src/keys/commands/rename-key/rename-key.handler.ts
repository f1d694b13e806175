import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { keyRingDecider, keyRingStream } from '@onehazel/domain';
import { ConsistentCommands } from '@onehazel/runtime';
import { RenameKey } from './rename-key.command';

@CommandHandler(RenameKey)
export class RenameKeyHandler implements ICommandHandler<RenameKey> {
  constructor(private readonly commands: ConsistentCommands) {}

  async execute({ operatorId, keyId, label, context }: RenameKey): Promise<void> {
    await this.commands.execute(
      keyRingDecider,
      keyRingStream(operatorId),
      { type: 'RenameApiKey', operatorId, keyId, label, at: context.at },
      context,
    );
  }
}
