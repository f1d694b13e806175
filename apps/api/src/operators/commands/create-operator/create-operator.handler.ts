import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { randomId } from '@onehazel/crypto';
import { operatorDecider, operatorStream } from '@onehazel/domain';
import { ConsistentCommands } from '@onehazel/runtime';
import { CreateOperator } from './create-operator.command';

@CommandHandler(CreateOperator)
export class CreateOperatorHandler implements ICommandHandler<CreateOperator> {
  constructor(private readonly commands: ConsistentCommands) {}

  async execute({ platformId, profile, context }: CreateOperator): Promise<{ operatorId: string }> {
    const operatorId = randomId('op_');
    await this.commands.execute(
      operatorDecider,
      operatorStream(operatorId),
      { type: 'CreateOperator', operatorId, platformId, profile, at: context.at },
      context,
      { operatorId },
    );
    return { operatorId };
  }
}
