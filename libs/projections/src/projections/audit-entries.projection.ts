import { AUDIT_ENTRIES, auditEntriesOf } from '@onehazel/audit';
import type { RecordedEvent } from '@onehazel/event-store';
import type { Projection, ReadModelWriter } from '../projection';

/**
 * The audit histories' index (DESIGN.md: audit history is a replay of the log): each operator, key and
 * operator-token event as the history entry it shows, under every subject whose history lists it, so that
 * a history's page is one indexed range read. What a subject looked like at an instant (`asOf`) is still
 * folded from the log itself.
 */
export const auditEntriesProjection: Projection = {
  name: 'audit-entries',
  collections: [AUDIT_ENTRIES],
  indexes: [{ collection: AUDIT_ENTRIES, fields: ['subject', 'order'] }],
  async apply(event: RecordedEvent, writer: ReadModelWriter): Promise<void> {
    for (const view of auditEntriesOf(event)) writer.put(AUDIT_ENTRIES, view);
  },
};
