import { Command } from '@nestjs/cqrs';
import type { CommandContext, KeyManager } from '@onehazel/domain';

/** By the operator: refused for its last active key. By its platform: always (incident response). */
export class RevokeKeyCommand extends Command<void> {
  constructor(
    readonly operatorId: string,
    readonly keyId: string,
    readonly by: KeyManager,
    readonly context: CommandContext,
  ) {
    super();
  }
}
