import { Command } from '@nestjs/cqrs';
import type { CommandContext } from '@onehazel/domain';

export class UpsertEntity extends Command<{ id: string; externalId: string; entityType: string; action: 'created' | 'updated' }> {
  constructor(
    readonly operatorId: string,
    readonly entityType: string,
    readonly externalId: string,
    readonly data: Record<string, unknown>,
    readonly context: CommandContext,
  ) {
    super();
  }
}

/** GDPR erasure: the entity's key is destroyed, then EntityErased (no personal data) is recorded. */
export class EraseEntity extends Command<void> {
  constructor(
    readonly operatorId: string,
    readonly externalId: string,
    readonly context: CommandContext,
  ) {
    super();
  }
}
