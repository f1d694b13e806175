import { Command } from '@nestjs/cqrs';
import type { CommandContext, KeyManager } from '@onehazel/domain';

export type IssuedKey = { id: string; key: string; label: string | null; createdAt: string };

export class IssueKeyCommand extends Command<IssuedKey> {
  constructor(
    readonly operatorId: string,
    readonly label: string | null,
    readonly by: KeyManager,
    readonly context: CommandContext,
  ) {
    super();
  }
}
