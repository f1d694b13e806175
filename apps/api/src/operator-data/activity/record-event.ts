import { Inject } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { commandScopedId, EntityKeyring, seal } from '@onehazel/crypto';
import {
  CommandContext,
  DomainError,
  entityActivityStream,
  entityDecider,
  recordEntityEvent,
  settingsDecider,
  settingsStream,
} from '@onehazel/domain';
import { ConsistentCommands } from '@onehazel/runtime';
import { KEYRING } from '../../infrastructure/tokens';
import { entityStreamOf } from '../entities/entity-stream';

export type RecordedActivity = { id: string; externalId: string; eventType: string; occurredAt: string };

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
    const entity = await this.commands.load(entityDecider, entityStreamOf(operatorId, externalId));
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
    const recorded = await this.commands.record(entityActivityStream(entity.entityId), events, context);
    // A retry of a request that got through answers what was recorded then (its occurredAt may have defaulted to that moment).
    const { eventId: id, occurredAt: at } = recorded.events[0]!.data;
    return { id, externalId, eventType, occurredAt: at };
  }
}
