import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { commandScopedId } from '@onehazel/crypto';
import { operatorDecider, operatorStream } from '@onehazel/domain';
import { ConsistentCommands } from '@onehazel/runtime';
import { OperatorContactCipher } from '../../operator-contact.cipher';
import { CreateOperator } from './create-operator.command';

@CommandHandler(CreateOperator)
export class CreateOperatorHandler implements ICommandHandler<CreateOperator> {
  constructor(
    private readonly commands: ConsistentCommands,
    private readonly contact: OperatorContactCipher,
  ) {}

  async execute({ platformId, profile, context }: CreateOperator): Promise<{ operatorId: string }> {
    const operatorId = commandScopedId(context.commandId, 'op_');
    const sealed = { ...profile, contactEmail: await this.contact.seal(operatorId, profile.contactEmail) };
    await this.commands.execute(
      operatorDecider,
      operatorStream(operatorId),
      { type: 'CreateOperator', operatorId, platformId, profile: sealed, at: context.at },
      context,
      { timeoutDetails: { operatorId } },
    );
    return { operatorId };
  }
}
