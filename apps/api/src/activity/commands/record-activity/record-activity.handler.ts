import { Inject } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { commandScopedId, EntityKeyring, seal } from '@onehazel/crypto';
import {
  CommandContext,
  DomainError,
  entityActivityStream,
  entityDecider,
  EntityEventRecorded,
  recordEntityEvent,
  settingsDecider,
  settingsStream,
} from '@onehazel/domain';
import type { RecordedEvent } from '@onehazel/event-store';
import { ConsistentCommands } from '@onehazel/runtime';
import { KEYRING } from '../../infrastructure/tokens';
import { entityStreamOf } from '../entities/entity-stream';

export type RecordedActivity = { id: string; externalId: string; eventType: string; occurredAt: string };

/** The answer from the event as recorded (its occurredAt may have defaulted to that moment). */
function answerOf({ data }: EntityEventRecorded): RecordedActivity {
  return { id: data.eventId, externalId: data.externalId, eventType: data.eventType, occurredAt: data.occurredAt };
}

/** Records an activity event for a live entity (POST /operator-data-api/events). */
export class RecordEvent extends Command<RecordedActivity> {
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

/**
 * Decided on the entity's state (it must be live), appended to the entity's activity stream. The
 * template's event_pii_fields are sealed with the entity's key, the AAD naming the event and field, so
 * they are erased with the entity.
 */
@CommandHandler(RecordEvent)
export class RecordEventHandler implements ICommandHandler<RecordEvent> {
  constructor(
    private readonly commands: ConsistentCommands,
    @Inject(KEYRING) private readonly keyring: EntityKeyring,
  ) {}

  async execute({ operatorId, externalId, eventType, occurredAt, data, context }: RecordEvent): Promise<RecordedActivity> {
    const { template } = await this.commands.load(settingsDecider, settingsStream(operatorId));
    if (!template) throw new DomainError('TEMPLATE_NOT_CONFIGURED', 'No template set — call PUT /operator-data-api/settings first');
    const { state: entity, recorded: history } = await this.commands.read(entityDecider, entityStreamOf(operatorId, externalId));
    const earlier = await this.earlierAttempt(history, context);
    if (earlier) return earlier;
    if (entity.status !== 'live') throw new DomainError('ENTITY_NOT_FOUND', 'Entity not found');
    const key = await this.keyring.forEntity(operatorId, entity.entityId, { create: false });
    if (!key) throw new DomainError('ENTITY_NOT_FOUND', 'Entity not found');
    const eventId = commandScopedId(context.commandId, 'evt_');
    const piiFields = (template.event_pii_fields ?? []).filter((field) => Object.hasOwn(data, field));
    const sealed: Record<string, unknown> = { ...data };
    for (const field of piiFields) {
      sealed[field] = seal(key, { operatorId, entityId: entity.entityId, field: `event:${eventId}:${field}` }, data[field]);
    }
    const events = recordEntityEvent(
      { type: 'RecordEntityEvent', eventId, entityId: entity.entityId, operatorId, externalId, eventType, occurredAt, data: sealed, piiFields, at: context.at },
      entity,
    );
    return answerOf((await this.commands.record(entityActivityStream(entity.entityId), events, context)).events[0]!);
  }

  /**
   * What an earlier attempt of this request recorded, looked for in the activity of every entity this
   * externalId has named (it may have been erased, or erased and created again, since).
   */
  private async earlierAttempt(history: readonly RecordedEvent[], context: CommandContext): Promise<RecordedActivity | null> {
    if (!context.commandId) return null;
    const entityIds = history.filter((event) => event.type === 'EntityCreated').map((event) => event.data.entityId as string);
    for (const entityId of entityIds.reverse()) {
      const earlier = await this.commands.earlierRecord<EntityEventRecorded>(entityActivityStream(entityId), 'EntityEventRecorded', context);
      if (earlier) return answerOf(earlier.events[0]!);
    }
    return null;
  }
}
