import { Command } from '@nestjs/cqrs';
import type { CommandContext } from '@onehazel/domain';

export type UpsertedEntity = { id: string; externalId: string; entityType: string; action: 'created' | 'updated' };

/** Seed 001 "Create or update an entity" by externalId, validated against the operator's template. */
export class UpsertEntityCommand extends Command<UpsertedEntity> {
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
