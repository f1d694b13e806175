import { Command } from '@nestjs/cqrs';
import type { CommandContext } from '@onehazel/domain';

export class SuspendOperator extends Command<void> {
  constructor(
    readonly platformId: string,
    readonly operatorId: string,
    readonly context: CommandContext,
  ) {
    super();
  }
}
