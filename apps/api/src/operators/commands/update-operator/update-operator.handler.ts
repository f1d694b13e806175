import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { Operator, operatorDecider, operatorStream } from '@onehazel/domain';
import { ConsistentCommands, Loaded } from '@onehazel/runtime';
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
    let loaded: Loaded<Operator> | undefined;
    if (contactEmail !== undefined) {
      // Envelopes differ on every seal: compare in plaintext, so that the same address records no change.
      loaded = await this.commands.read(operatorDecider, operatorStream(operatorId));
      const current = loaded.state;
      const unchanged =
        current.status !== 'none' && (await this.contact.open(operatorId, current.profile.contactEmail)) === contactEmail;
      if (!unchanged) (sealed as { contactEmail?: string }).contactEmail = await this.contact.seal(operatorId, contactEmail);
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
