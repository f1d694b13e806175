import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ConsistentCommands } from '@onehazel/commands';
import { operatorDecider, operatorStream } from '@onehazel/domain';
import { SuspendOperatorCommand } from './suspend-operator.command';

@CommandHandler(SuspendOperatorCommand)
export class SuspendOperatorHandler implements ICommandHandler<SuspendOperatorCommand> {
  constructor(private readonly commands: ConsistentCommands) {}

  async execute({ platformId, operatorId, context }: SuspendOperatorCommand): Promise<void> {
    await this.commands.execute(
      operatorDecider,
      operatorStream(operatorId),
      { type: 'SuspendOperator', operatorId, platformId, at: context.at },
      context,
    );
  }
}
