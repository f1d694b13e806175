import { Command } from '@nestjs/cqrs';
import type { CommandContext, OperatorProfile, OperatorStatus } from '@onehazel/domain';

export class UpdateOperator extends Command<void> {
  constructor(
    readonly platformId: string,
    readonly operatorId: string,
    readonly changes: Partial<OperatorProfile>,
    readonly status: OperatorStatus | undefined,
    readonly context: CommandContext,
  ) {
    super();
  }
}
