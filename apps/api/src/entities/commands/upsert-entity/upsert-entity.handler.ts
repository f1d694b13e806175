import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ConsistentCommands } from '@onehazel/commands';
import { commandScopedId } from '@onehazel/crypto';
import { DomainError, entityDecider, EntityEvent, settingsDecider, settingsStream } from '@onehazel/domain';
import { PersonalDataCipher } from '../../../personal-data/personal-data.cipher';
import { EntityValidator } from '../../entity-validator';
import { locateEntity } from '../../entity-stream';
import { UpsertedEntity, UpsertEntityCommand } from './upsert-entity.command';

/**
 * Each lost race means another upsert of the same externalId got in (one wins per round), so N
 * concurrent writers of one externalId need up to N rounds; past this many, 409 CONFLICT.
 */
const ATTEMPTS = 8;

/** The answer from the events recorded (this attempt's, or an earlier attempt's of the same request). */
function answerOf(events: readonly EntityEvent[], externalId: string, entityType: string): UpsertedEntity {
  const first = events[0]!;
  const action = first.type === 'EntityCreated' ? 'created' : 'updated';
  return { id: first.data.entityId as string, externalId, entityType, action };
}

/**
 * Upsert by externalId (seed 001): validated against the operator's template, personal fields sealed
 * with the entity's data key (AAD: operator, entity, field) before anything is recorded.
 *
 * One retry loop, one stream read per attempt: when another request created (or erased) this
 * externalId's entity between the read and the append, the next attempt reads the stream again and
 * seals for the entity it holds now.
 */
@CommandHandler(UpsertEntityCommand)
export class UpsertEntityHandler implements ICommandHandler<UpsertEntityCommand> {
  constructor(
    private readonly commands: ConsistentCommands,
    private readonly validator: EntityValidator,
    private readonly personalData: PersonalDataCipher,
  ) {}

  async execute({ operatorId, entityType, externalId, data, context }: UpsertEntityCommand): Promise<UpsertedEntity> {
    const { template } = await this.commands.load(settingsDecider, settingsStream(operatorId));
    if (!template) throw new DomainError('TEMPLATE_NOT_CONFIGURED', 'No template set — call PUT /operator-data-api/settings first');
    const spec = this.validator.validate(template, entityType, data);
    // Personal fields, and fields the template does not declare (they may be personal too), are sealed.
    const piiFields = Object.keys(data).filter((field) => spec.pii_fields.includes(field) || !Object.hasOwn(spec.fields, field));
    const located = await locateEntity(this.commands, this.personalData, operatorId, externalId, { create: true });
    const { stream } = located;
    /** The entity whose key this request created, while no stream holds it. */
    let keyCreatedFor: string | null = null;
    for (let attempt = 1; ; attempt++) {
      const loaded = attempt === 1 ? located.loaded : await this.commands.read(entityDecider, stream);
      // A retry of a request that got through answers what it did then, before creating or sealing anything.
      const earlier = await this.commands.earlierAttempt(entityDecider, stream, 'UpsertEntity', context, loaded);
      if (earlier) return answerOf(earlier.events, externalId, entityType);
      const { state } = loaded;
      const live = state.status === 'live';
      if (keyCreatedFor && live && state.entityId !== keyCreatedFor) {
        // Another request created this externalId's entity meanwhile: the key made for ours would be an orphan.
        await this.personalData.eraseEntity(operatorId, keyCreatedFor);
        keyCreatedFor = null;
      }
      const entityId: string = live ? state.entityId : commandScopedId(context.commandId, 'ent_');
      // A live entity's key is never created again: if it is gone, the entity is being erased.
      const sealed = await this.personalData.sealEntityFields(operatorId, entityId, externalId, data, piiFields, { create: !live });
      if (!sealed) throw new DomainError('CONFLICT', 'The entity is being erased; retry the request in a moment');
      if (!live) keyCreatedFor = entityId;
      try {
        const { events } = await this.commands.execute(
          entityDecider,
          stream,
          {
            type: 'UpsertEntity',
            entityId,
            operatorId,
            externalId,
            externalIdRef: sealed.externalIdRef,
            entityType,
            data: sealed.data,
            piiFields,
            keyId: sealed.keyId,
            at: context.at,
          },
          context,
          { timeoutDetails: { entityId }, loaded, attempts: 1 },
        );
        return answerOf(events, externalId, entityType);
      } catch (error) {
        if (!(error instanceof DomainError) || error.code !== 'CONFLICT' || attempt >= ATTEMPTS) throw error;
      }
    }
  }
}
