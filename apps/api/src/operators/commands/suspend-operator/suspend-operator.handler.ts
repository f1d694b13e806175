import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { operatorDecider, operatorStream } from '@onehazel/domain';
import { CommandExecutor, ConsistencyWaiter } from '@onehazel/runtime';
import { SuspendOperator } from './suspend-operator.command';

/** Suspending a suspended operator changes nothing and succeeds. */
@CommandHandler(SuspendOperator)
export class SuspendOperatorHandler implements ICommandHandler<SuspendOperator> {
  constructor(
    private readonly executor: CommandExecutor,
    private readonly waiter: ConsistencyWaiter,
  ) {}

  async execute({ platformId, operatorId, context }: SuspendOperator): Promise<void> {
    const { position } = await this.executor.execute(
      operatorDecider,
      operatorStream(operatorId),
      { type: 'SuspendOperator', operatorId, platformId, at: context.at },
      context,
    );
    await this.waiter.waitFor(position);
  }
}
