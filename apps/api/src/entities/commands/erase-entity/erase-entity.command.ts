import { Command } from '@nestjs/cqrs';
import type { CommandContext } from '@onehazel/domain';

/** GDPR erasure: the entity's key is destroyed, then EntityErased (no personal data) is recorded. */
export class EraseEntityCommand extends Command<void> {
  constructor(
    readonly operatorId: string,
    readonly externalId: string,
    readonly context: CommandContext,
  ) {
    super();
  }
}
