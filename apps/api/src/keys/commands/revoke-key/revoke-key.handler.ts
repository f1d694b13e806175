import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { keyRingDecider, keyRingStream } from '@onehazel/domain';
import { ConsistentCommands } from '@onehazel/commands';
import { RevokeKeyCommand } from './revoke-key.command';

/** Returns only once authentication (the read model) refuses the key. */
@CommandHandler(RevokeKeyCommand)
export class RevokeKeyHandler implements ICommandHandler<RevokeKeyCommand> {
  constructor(private readonly commands: ConsistentCommands) {}

  async execute({ operatorId, keyId, by, context }: RevokeKeyCommand): Promise<void> {
    await this.commands.execute(
      keyRingDecider,
      keyRingStream(operatorId),
      { type: 'RevokeApiKey', operatorId, keyId, by, at: context.at },
      context,
    );
  }
}
