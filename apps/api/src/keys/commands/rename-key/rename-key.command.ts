import { Command } from '@nestjs/cqrs';
import type { CommandContext } from '@onehazel/domain';

export class RenameKeyCommand extends Command<void> {
  constructor(
    readonly operatorId: string,
    readonly keyId: string,
    readonly label: string,
    readonly context: CommandContext,
  ) {
    super();
  }
}
