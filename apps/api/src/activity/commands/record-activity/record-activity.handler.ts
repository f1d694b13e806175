import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ConsistentCommands } from '@onehazel/commands';
import { commandScopedId } from '@onehazel/crypto';
import {
  CommandContext,
  DomainError,
  entityActivityStream,
  EntityEventRecorded,
  recordEntityEvent,
  settingsDecider,
  settingsStream,
} from '@onehazel/domain';
import type { RecordedEvent } from '@onehazel/event-store';
import { locateEntity } from '../../../entities/entity-stream';
import { PersonalDataCipher } from '../../../personal-data/personal-data.cipher';
import { RecordActivityCommand, RecordedActivity } from './record-activity.command';

/** The answer from the event as recorded (its occurredAt may have defaulted to that moment); the event does not name the externalId. */
function answerOf({ data }: EntityEventRecorded, externalId: string): RecordedActivity {
  return { id: data.eventId, externalId, eventType: data.eventType, occurredAt: data.occurredAt };
}

/**
 * Decided on the entity's state (it must be live), appended to the entity's activity stream. The
 * template's event_pii_fields are sealed with the entity's key, the AAD naming the event and field, so
 * they are erased with the entity.
 */
@CommandHandler(RecordActivityCommand)
export class RecordActivityHandler implements ICommandHandler<RecordActivityCommand> {
  constructor(
    private readonly commands: ConsistentCommands,
    private readonly personalData: PersonalDataCipher,
  ) {}

  async execute({ operatorId, externalId, eventType, occurredAt, data, context }: RecordActivityCommand): Promise<RecordedActivity> {
    const { template } = await this.commands.load(settingsDecider, settingsStream(operatorId));
    if (!template) throw new DomainError('TEMPLATE_NOT_CONFIGURED', 'No template set — call PUT /operator-data-api/settings first');
    const { loaded } = await locateEntity(this.commands, this.personalData, operatorId, externalId, { create: false });
    const { state: entity, recorded: history } = loaded;
    const earlier = await this.earlierAttempt(history, externalId, context);
    if (earlier) return earlier;
    if (entity.status !== 'live') throw new DomainError('ENTITY_NOT_FOUND', 'Entity not found');
    const eventId = commandScopedId(context.commandId, 'evt_');
    const piiFields = (template.event_pii_fields ?? []).filter((field) => Object.hasOwn(data, field));
    const sealed = await this.personalData.sealEventFields(operatorId, entity.entityId, eventId, data, piiFields);
    // The key is gone: the entity is being erased.
    if (!sealed) throw new DomainError('ENTITY_NOT_FOUND', 'Entity not found');
    const events = recordEntityEvent(
      { type: 'RecordEntityEvent', eventId, entityId: entity.entityId, operatorId, eventType, occurredAt, data: sealed, piiFields, at: context.at },
      entity,
    );
    return answerOf((await this.commands.record(entityActivityStream(entity.entityId), events, context)).events[0]!, externalId);
  }

  /**
   * What an earlier attempt of this request recorded, looked for in the activity of every entity this
   * externalId has named (it may have been erased, or erased and created again, since).
   */
  private async earlierAttempt(history: readonly RecordedEvent[], externalId: string, context: CommandContext): Promise<RecordedActivity | null> {
    if (!context.commandId) return null;
    const entityIds = history.filter((event) => event.type === 'EntityCreated').map((event) => event.data.entityId as string);
    for (const entityId of entityIds.reverse()) {
      const earlier = await this.commands.earlierRecord<EntityEventRecorded>(entityActivityStream(entityId), 'EntityEventRecorded', context);
      if (earlier) return answerOf(earlier.events[0]!, externalId);
    }
    return null;
  }
}
