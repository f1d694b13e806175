import { Command } from '@nestjs/cqrs';
import type { CommandContext } from '@onehazel/domain';

export class DeleteKeyCommand extends Command<void> {
  constructor(
    readonly operatorId: string,
    readonly keyId: string,
    readonly context: CommandContext,
  ) {
    super();
  }
}
