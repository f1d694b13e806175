import { Command } from '@nestjs/cqrs';
import type { CommandContext } from '@onehazel/domain';

export type RecordedActivity = { id: string; externalId: string; eventType: string; occurredAt: string };

/** Records an activity event (deposit, bet, login...) for a live entity (POST /operator-data-api/events). */
export class RecordActivityCommand extends Command<RecordedActivity> {
  constructor(
    readonly operatorId: string,
    readonly externalId: string,
    readonly eventType: string,
    readonly occurredAt: string,
    readonly data: Record<string, unknown>,
    readonly context: CommandContext,
  ) {
    super();
  }
}
