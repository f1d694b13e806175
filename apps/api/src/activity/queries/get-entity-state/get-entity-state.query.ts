import { Query } from '@nestjs/cqrs';

/** What a live entity's events add up to: counts and sums per event type, first and last seen. */
export type EntityState = Readonly<{
  eventCount: number;
  byType: Record<string, { count: number; sums: Record<string, number> }>;
  firstSeen: string | null;
  lastSeen: string | null;
}>;

export class GetEntityStateQuery extends Query<EntityState> {
  constructor(
    readonly operatorId: string,
    readonly externalId: string,
  ) {
    super();
  }
}
