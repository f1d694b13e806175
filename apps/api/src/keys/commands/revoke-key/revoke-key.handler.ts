import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { keyRingDecider, keyRingStream } from '@onehazel/domain';
import { ConsistentCommands } from '@onehazel/runtime';
import { RevokeKey } from './revoke-key.command';

/** Returns only once authentication (the read model) refuses the key. */
@CommandHandler(RevokeKey)
export class RevokeKeyHandler implements ICommandHandler<RevokeKey> {
  constructor(private readonly commands: ConsistentCommands) {}

  async execute({ operatorId, keyId, by, context }: RevokeKey): Promise<void> {
    await this.commands.execute(
      keyRingDecider,
      keyRingStream(operatorId),
      { type: 'RevokeApiKey', operatorId, keyId, by, at: context.at },
      context,
    );
  }
}
