import { Command } from '@nestjs/cqrs';
import type { CommandContext } from '@onehazel/domain';

/** Its keys and sessions are refused from the next request on; suspending a suspended operator changes nothing. */
export class SuspendOperatorCommand extends Command<void> {
  constructor(
    readonly platformId: string,
    readonly operatorId: string,
    readonly context: CommandContext,
  ) {
    super();
  }
}
