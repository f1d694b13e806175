import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { commandScopedId, EntityKeyring, seal } from '@onehazel/crypto';
import { DomainError, entityDecider, EntityEvent, settingsDecider, settingsStream } from '@onehazel/domain';
import { ConsistentCommands } from '@onehazel/runtime';
import { KEYRING } from '../../infrastructure/tokens';
import { EntityValidator } from '../entity-validator';
import { UpsertEntity } from './entity-commands';
import { entityStreamOf } from './entity-stream';

const ATTEMPTS = 3;

/** The answer from the events recorded (this attempt's, or an earlier attempt's of the same request). */
function answerOf(events: readonly EntityEvent[], externalId: string, entityType: string) {
  const first = events[0]!;
  const action = first.type === 'EntityCreated' ? 'created' : 'updated';
  return { id: first.data.entityId as string, externalId, entityType, action } as const;
}

/**
 * Upsert by externalId (seed 001): validated against the operator's template, personal fields sealed
 * with the entity's data key (AAD: operator, entity, field) before anything is recorded.
 */
@CommandHandler(UpsertEntity)
export class UpsertEntityHandler implements ICommandHandler<UpsertEntity> {
  constructor(
    private readonly commands: ConsistentCommands,
    private readonly validator: EntityValidator,
    @Inject(KEYRING) private readonly keyring: EntityKeyring,
  ) {}

  async execute({ operatorId, entityType, externalId, data, context }: UpsertEntity) {
    const { template } = await this.commands.load(settingsDecider, settingsStream(operatorId));
    if (!template) throw new DomainError('TEMPLATE_NOT_CONFIGURED', 'No template set — call PUT /operator-data-api/settings first');
    const spec = this.validator.validate(template, entityType, data);
    const stream = entityStreamOf(operatorId, externalId);
    for (let attempt = 1; ; attempt++) {
      const loaded = await this.commands.read(entityDecider, stream);
      // A retry of a request that got through answers what it did then, before creating or sealing anything.
      const earlier = await this.commands.earlierAttempt(entityDecider, stream, 'UpsertEntity', context, loaded);
      if (earlier) return answerOf(earlier.events, externalId, entityType);
      const { state } = loaded;
      const live = state.status === 'live';
      const entityId = live ? state.entityId : commandScopedId(context.commandId, 'ent_');
      // A live entity's key is never created again: if it is gone, the entity is being erased.
      const key = await this.keyring.forEntity(operatorId, entityId, { create: !live });
      if (!key) throw new DomainError('CONFLICT', 'The entity is being erased; retry the request in a moment');
      const sealed: Record<string, unknown> = { ...data };
      // Personal fields, and fields the template does not declare (they may be personal too), are sealed.
      const piiFields = Object.keys(data).filter(
        (field) => spec.pii_fields.includes(field) || !Object.hasOwn(spec.fields, field),
      );
      for (const field of piiFields) sealed[field] = seal(key, { operatorId, entityId, field }, data[field]);
      try {
        const { events: decided } = await this.commands.execute(
          entityDecider,
          stream,
          { type: 'UpsertEntity', entityId, operatorId, externalId, entityType, data: sealed, piiFields, keyId: key.keyId, at: context.at },
          context,
          { timeoutDetails: { entityId }, loaded },
        );
        return answerOf(decided, externalId, entityType);
      } catch (error) {
        // Another request created (or erased) this externalId's entity meanwhile: seal again for it.
        if (!(error instanceof DomainError) || error.code !== 'CONFLICT' || attempt >= ATTEMPTS) throw error;
        if (!live && !(await this.holds(stream, entityId))) await this.keyring.destroy(operatorId, entityId);
      }
    }
  }

  /** Whether the stream's live entity is this one (another attempt of the same request may have created it). */
  private async holds(stream: string, entityId: string): Promise<boolean> {
    const state = await this.commands.load(entityDecider, stream);
    return state.status === 'live' && state.entityId === entityId;
  }
}
