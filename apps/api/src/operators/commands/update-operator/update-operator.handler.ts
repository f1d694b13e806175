import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ConsistentCommands, Loaded } from '@onehazel/commands';
import { DomainError, Operator, operatorDecider, operatorStream } from '@onehazel/domain';
import { PersonalDataCipher } from '../../../personal-data/personal-data.cipher';
import { UpdateOperatorCommand } from './update-operator.command';

@CommandHandler(UpdateOperatorCommand)
export class UpdateOperatorHandler implements ICommandHandler<UpdateOperatorCommand> {
  constructor(
    private readonly commands: ConsistentCommands,
    private readonly personalData: PersonalDataCipher,
  ) {}

  async execute({ platformId, operatorId, changes, status, context }: UpdateOperatorCommand): Promise<void> {
    const { contactEmail, ...rest } = changes;
    const sealed = { ...rest } as typeof changes;
    let loaded: Loaded<Operator> | undefined;
    if (contactEmail !== undefined) {
      loaded = await this.commands.read(operatorDecider, operatorStream(operatorId));
      const current = loaded.state;
      // Refused before anything is opened or sealed: another platform's operator, or none (no key is made for it).
      if (current.status === 'none' || current.platformId !== platformId) throw new DomainError('OPERATOR_NOT_FOUND', 'Operator not found');
      // Envelopes differ on every seal: compare in plaintext, so that the same address records no change.
      const unchanged = (await this.personalData.openOperatorContact(operatorId, current.profile.contactEmail)) === contactEmail;
      if (!unchanged) (sealed as { contactEmail?: string }).contactEmail = await this.personalData.sealOperatorContact(operatorId, contactEmail);
    }
    await this.commands.execute(
      operatorDecider,
      operatorStream(operatorId),
      { type: 'UpdateOperator', operatorId, platformId, changes: sealed, status, at: context.at },
      context,
      { loaded },
    );
  }
}
