import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { auditHistory, AuditReplay, auditSubject, hasHistory, HistoryPage } from '@onehazel/audit';
import { DomainError } from '@onehazel/domain';
import type { EventStore } from '@onehazel/event-store';
import type { ReadStore } from '@onehazel/read-store';
import { EVENT_STORE, READ_STORE } from '../../../infrastructure/tokens';
import { GetKeyHistoryQuery } from './get-key-history.query';

/** A page of the key's audit entries (a key of the ring, or a child key); with asOf, its state folded from the log. */
@QueryHandler(GetKeyHistoryQuery)
export class GetKeyHistoryHandler implements IQueryHandler<GetKeyHistoryQuery> {
  private readonly replay: AuditReplay;

  constructor(
    @Inject(EVENT_STORE) events: EventStore,
    @Inject(READ_STORE) private readonly read: ReadStore,
  ) {
    this.replay = new AuditReplay(events);
  }

  async execute({ operatorId, keyId, window, limit, cursor }: GetKeyHistoryQuery): Promise<HistoryPage> {
    const subject = auditSubject.key(operatorId, keyId);
    // Another operator's key has no history under this operator: not found, like one that never was.
    const page = await auditHistory(this.read, subject, window, { limit, cursor }, () => this.replay.key(operatorId, keyId));
    if (!(await hasHistory(this.read, subject, page))) throw new DomainError('API_KEY_NOT_FOUND', 'API key not found');
    return page;
  }
}
