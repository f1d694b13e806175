import { Command } from '@nestjs/cqrs';
import type { CommandContext, OperatorProfile } from '@onehazel/domain';

export class CreateOperator extends Command<{ operatorId: string }> {
  constructor(
    readonly platformId: string,
    readonly profile: OperatorProfile,
    readonly context: CommandContext,
  ) {
    super();
  }
}
