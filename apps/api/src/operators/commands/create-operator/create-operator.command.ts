import { Command } from '@nestjs/cqrs';
import type { CommandContext, OperatorProfile } from '@onehazel/domain';

/** A platform creates an operator, active; its contact e-mail is sealed before anything is recorded. */
export class CreateOperatorCommand extends Command<{ operatorId: string }> {
  constructor(
    readonly platformId: string,
    readonly profile: OperatorProfile,
    readonly context: CommandContext,
  ) {
    super();
  }
}
