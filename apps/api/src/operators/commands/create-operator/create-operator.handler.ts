import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { randomId } from '@onehazel/crypto';
import { operatorDecider, operatorStream } from '@onehazel/domain';
import { CommandExecutor, ConsistencyWaiter } from '@onehazel/runtime';
import { CreateOperator } from './create-operator.command';

@CommandHandler(CreateOperator)
export class CreateOperatorHandler implements ICommandHandler<CreateOperator> {
  constructor(
    private readonly executor: CommandExecutor,
    private readonly waiter: ConsistencyWaiter,
  ) {}

  async execute({ platformId, profile, context }: CreateOperator): Promise<{ operatorId: string }> {
    const operatorId = randomId('op_');
    const { position } = await this.executor.execute(
      operatorDecider,
      operatorStream(operatorId),
      { type: 'CreateOperator', operatorId, platformId, profile, at: context.at },
      context,
    );
    await this.waiter.waitFor(position, { operatorId });
    return { operatorId };
  }
}
