import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { keyRingDecider, keyRingStream } from '@onehazel/domain';
import { ConsistentCommands } from '@onehazel/runtime';
import { DeleteKey } from './delete-key.command';

/** Removes a revoked key from the read models; the log keeps its (hash-only) history. */
@CommandHandler(DeleteKey)
export class DeleteKeyHandler implements ICommandHandler<DeleteKey> {
  constructor(private readonly commands: ConsistentCommands) {}

  async execute({ operatorId, keyId, context }: DeleteKey): Promise<void> {
    await this.commands.execute(
      keyRingDecider,
      keyRingStream(operatorId),
      { type: 'DeleteApiKey', operatorId, keyId, at: context.at },
      context,
    );
  }
}
