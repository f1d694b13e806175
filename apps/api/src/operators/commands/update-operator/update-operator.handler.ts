import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { operatorDecider, operatorStream } from '@onehazel/domain';
import { CommandExecutor, ConsistencyWaiter } from '@onehazel/runtime';
import { UpdateOperator } from './update-operator.command';

/** Profile changes and status transitions ("active" reactivates, "suspended" suspends). */
@CommandHandler(UpdateOperator)
export class UpdateOperatorHandler implements ICommandHandler<UpdateOperator> {
  constructor(
    private readonly executor: CommandExecutor,
    private readonly waiter: ConsistencyWaiter,
  ) {}

  async execute({ platformId, operatorId, changes, status, context }: UpdateOperator): Promise<void> {
    const { position } = await this.executor.execute(
      operatorDecider,
      operatorStream(operatorId),
      { type: 'UpdateOperator', operatorId, platformId, changes, status, at: context.at },
      context,
    );
    await this.waiter.waitFor(position);
  }
}
