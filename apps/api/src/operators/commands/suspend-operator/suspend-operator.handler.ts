import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { operatorDecider, operatorStream } from '@onehazel/domain';
import { ConsistentCommands } from '@onehazel/runtime';
import { SuspendOperator } from './suspend-operator.command';

/** Suspending a suspended operator changes nothing and succeeds. */
@CommandHandler(SuspendOperator)
export class SuspendOperatorHandler implements ICommandHandler<SuspendOperator> {
  constructor(private readonly commands: ConsistentCommands) {}

  async execute({ platformId, operatorId, context }: SuspendOperator): Promise<void> {
    await this.commands.execute(
      operatorDecider,
      operatorStream(operatorId),
      { type: 'SuspendOperator', operatorId, platformId, at: context.at },
      context,
    );
  }
}
