import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { keyRingDecider, keyRingStream } from '@onehazel/domain';
import { ConsistentCommands } from '@onehazel/commands';
import { DeleteKeyCommand } from './delete-key.command';

/** Removes a revoked key from the read models; the log keeps its (hash-only) history. */
@CommandHandler(DeleteKeyCommand)
export class DeleteKeyHandler implements ICommandHandler<DeleteKeyCommand> {
  constructor(private readonly commands: ConsistentCommands) {}

  async execute({ operatorId, keyId, context }: DeleteKeyCommand): Promise<void> {
    await this.commands.execute(
      keyRingDecider,
      keyRingStream(operatorId),
      { type: 'DeleteApiKey', operatorId, keyId, at: context.at },
      context,
    );
  }
}
