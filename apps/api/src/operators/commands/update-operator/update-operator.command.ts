import { Command } from '@nestjs/cqrs';
import type { CommandContext, OperatorProfile, OperatorStatus } from '@onehazel/domain';

/** Profile changes and status transitions ("active" reactivates, "suspended" suspends). */
export class UpdateOperatorCommand extends Command<void> {
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
