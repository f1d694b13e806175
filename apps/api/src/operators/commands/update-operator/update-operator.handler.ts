import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { operatorDecider, operatorStream } from '@onehazel/domain';
import { ConsistentCommands } from '@onehazel/runtime';
import { OperatorContactCipher } from '../../operator-contact.cipher';
import { UpdateOperator } from './update-operator.command';

/** Profile changes and status transitions ("active" reactivates, "suspended" suspends). */
@CommandHandler(UpdateOperator)
export class UpdateOperatorHandler implements ICommandHandler<UpdateOperator> {
  constructor(
    private readonly commands: ConsistentCommands,
    private readonly contact: OperatorContactCipher,
  ) {}

  async execute({ platformId, operatorId, changes, status, context }: UpdateOperator): Promise<void> {
    const { contactEmail, ...rest } = changes;
    const sealed = { ...rest } as typeof changes;
    if (contactEmail !== undefined) {
      // Envelopes differ on every seal: compare in plaintext, so that the same address records no change.
      const current = await this.commands.load(operatorDecider, operatorStream(operatorId));
      const unchanged =
        current.status !== 'none' && (await this.contact.open(operatorId, current.profile.contactEmail)) === contactEmail;
      if (!unchanged) (sealed as { contactEmail?: string }).contactEmail = await this.contact.seal(operatorId, contactEmail);
    }
    await this.commands.execute(
      operatorDecider,
      operatorStream(operatorId),
      { type: 'UpdateOperator', operatorId, platformId, changes: sealed, status, at: context.at },
      context,
    );
  }
}
