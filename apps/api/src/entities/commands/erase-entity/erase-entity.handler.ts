import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ConsistentCommands } from '@onehazel/commands';
import { DomainError, entityDecider } from '@onehazel/domain';
import type { RequestStore } from '@onehazel/request-store';
import { REQUEST_STORE } from '../../../infrastructure/tokens';
import { ErasureSubject, PersonalDataCipher } from '../../../personal-data/personal-data.cipher';
import { locateEntity } from '../../entity-stream';
import { EraseEntityCommand } from './erase-entity.command';

/**
 * Crypto-shredding (DESIGN.md §6): the data key is hard-deleted first, so that from then on no envelope
 * of this entity, in the log or anywhere, can be opened; then EntityErased is recorded and the
 * projector replaces the read model with a deletion marker. A failure between the two is repaired by
 * the next DELETE: the key is already gone, the event is recorded then.
 */
@CommandHandler(EraseEntityCommand)
export class EraseEntityHandler implements ICommandHandler<EraseEntityCommand> {
  constructor(
    private readonly commands: ConsistentCommands,
    private readonly personalData: PersonalDataCipher,
    @Inject(REQUEST_STORE) private readonly requests: RequestStore,
  ) {}

  async execute({ operatorId, externalId, context }: EraseEntityCommand): Promise<void> {
    const { stream, loaded } = await locateEntity(this.commands, this.personalData, operatorId, externalId, { create: false });
    const { state } = loaded;
    if (state.status !== 'live') throw new DomainError('ENTITY_NOT_FOUND', 'Entity not found');
    await this.personalData.eraseEntity(operatorId, state.entityId);
    await this.commands.execute(
      entityDecider,
      stream,
      { type: 'EraseEntity', operatorId, entityId: state.entityId, at: context.at },
      context,
      { loaded },
    );
    // Stored Idempotency-Key answers about the entity must not outlive it.
    await this.requests.purgeSubject(ErasureSubject.scopeOf(operatorId), state.entityId);
  }
}
