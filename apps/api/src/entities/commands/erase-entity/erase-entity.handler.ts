import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { EntityKeyring } from '@onehazel/crypto';
import { DomainError, entityDecider } from '@onehazel/domain';
import { ConsistentCommands } from '@onehazel/runtime';
import type { RequestStore } from '@onehazel/request-store';
import { KEYRING, REQUEST_STORE } from '../../infrastructure/tokens';
import { EraseEntity } from './entity-commands';
import { entityStreamOf } from './entity-stream';

/**
 * Crypto-shredding (DESIGN.md §6): the data key is hard-deleted first, so that from then on no envelope
 * of this entity, in the log or anywhere, can be opened; then EntityErased is recorded and the
 * projector replaces the read model with a deletion marker. A failure between the two is repaired by
 * the next DELETE: the key is already gone, the event is recorded then.
 */
@CommandHandler(EraseEntity)
export class EraseEntityHandler implements ICommandHandler<EraseEntity> {
  constructor(
    private readonly commands: ConsistentCommands,
    @Inject(KEYRING) private readonly keyring: EntityKeyring,
    @Inject(REQUEST_STORE) private readonly requests: RequestStore,
  ) {}

  async execute({ operatorId, externalId, context }: EraseEntity): Promise<void> {
    const stream = entityStreamOf(operatorId, externalId);
    const loaded = await this.commands.read(entityDecider, stream);
    const { state } = loaded;
    if (state.status !== 'live') throw new DomainError('ENTITY_NOT_FOUND', 'Entity not found');
    await this.keyring.destroy(operatorId, state.entityId);
    await this.commands.execute(
      entityDecider,
      stream,
      { type: 'EraseEntity', operatorId, entityId: state.entityId, at: context.at },
      context,
      { loaded },
    );
    // Stored Idempotency-Key answers about the entity must not outlive it.
    await this.requests.purgeSubject(`operator:${operatorId}`, state.entityId);
  }
}
