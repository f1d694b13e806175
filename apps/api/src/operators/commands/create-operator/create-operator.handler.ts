import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ConsistentCommands } from '@onehazel/commands';
import { commandScopedId } from '@onehazel/crypto';
import { operatorDecider, operatorStream } from '@onehazel/domain';
import { PersonalDataCipher } from '../../../personal-data/personal-data.cipher';
import { CreateOperatorCommand } from './create-operator.command';

@CommandHandler(CreateOperatorCommand)
export class CreateOperatorHandler implements ICommandHandler<CreateOperatorCommand> {
  constructor(
    private readonly commands: ConsistentCommands,
    private readonly personalData: PersonalDataCipher,
  ) {}

  async execute({ platformId, profile, context }: CreateOperatorCommand): Promise<{ operatorId: string }> {
    const operatorId = commandScopedId(context.commandId, 'op_');
    const sealed = { ...profile, contactEmail: await this.personalData.sealOperatorContact(operatorId, profile.contactEmail) };
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
