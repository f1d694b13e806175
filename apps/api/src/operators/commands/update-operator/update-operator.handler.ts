import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { operatorDecider, operatorStream } from '@onehazel/domain';
import { ConsistentCommands } from '@onehazel/runtime';
import { UpdateOperator } from './update-operator.command';

/** Profile changes and status transitions ("active" reactivates, "suspended" suspends). */
@CommandHandler(UpdateOperator)
export class UpdateOperatorHandler implements ICommandHandler<UpdateOperator> {
  constructor(private readonly commands: ConsistentCommands) {}

  async execute({ platformId, operatorId, changes, status, context }: UpdateOperator): Promise<void> {
    await this.commands.execute(
      operatorDecider,
      operatorStream(operatorId),
      { type: 'UpdateOperator', operatorId, platformId, changes, status, at: context.at },
      context,
    );
  }
}
