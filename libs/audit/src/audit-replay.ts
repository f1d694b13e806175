import { keyRingDecider, KeyRingEvent, keyRingStream, operatorStream, operatorTokensStream } from '@onehazel/domain';
import { comparePositions, EventStore, RecordedEvent } from '@onehazel/event-store';
import { childKeyStateOf, happenedBy, keyStateOf, operatorStateOf, tokenStateOf } from './history-window';

/** A subject's events, in log order, and how to fold its state at an instant from the log. */
export type SubjectHistory = Readonly<{ events: readonly RecordedEvent[]; stateAt: (asOf: string) => Record<string, unknown> | null }>;

/**
 * The audit replays of the log, for the HTTP histories and the CLI's `audit` alike: an operator (with its
 * keys), one key (the key ring's, or a child key in the token stream), one operator token (with its child
 * keys). Null when the operator's streams hold nothing of the subject.
 */
export class AuditReplay {
  constructor(private readonly events: EventStore) {}

  async operator(operatorId: string): Promise<SubjectHistory> {
    const [operatorEvents, keyEvents] = await Promise.all([
      this.events.readStream(operatorStream(operatorId)),
      this.events.readStream(keyRingStream(operatorId)),
    ]);
    const events = [...operatorEvents, ...keyEvents].sort((a, b) => comparePositions(a.position, b.position));
    return {
      events,
      stateAt: (asOf) => {
        const operator = operatorStateOf(happenedBy(operatorEvents, asOf));
        if (!operator) return null;
        // The key ring as its commands folded it then: its keys that were not revoked.
        const ring = (happenedBy(keyEvents, asOf) as unknown as KeyRingEvent[]).reduce(keyRingDecider.evolve, keyRingDecider.initialState());
        return { ...operator, activeKeys: [...ring.keys.values()].filter((key) => !key.revoked).length };
      },
    };
  }

  async key(operatorId: string, keyId: string): Promise<SubjectHistory | null> {
    const [ring, operatorEvents] = await Promise.all([this.events.readStream(keyRingStream(operatorId)), this.events.readStream(operatorStream(operatorId))]);
    const own = ring.filter(about(keyId));
    if (own.length > 0) return { events: own, stateAt: (asOf) => keyStateOf(keyId, happenedBy(own, asOf), happenedBy(operatorEvents, asOf)) };
    // A child key's history is in its operator's token stream: minted by which token, for which agent, revoked how.
    const tokenEvents = await this.events.readStream(operatorTokensStream(operatorId));
    const child = tokenEvents.filter(about(keyId));
    if (child.length === 0) return null;
    return { events: child, stateAt: (asOf) => childKeyStateOf(keyId, happenedBy(tokenEvents, asOf), happenedBy(operatorEvents, asOf)) };
  }

  async token(operatorId: string, tokenId: string): Promise<SubjectHistory | null> {
    const [stream, operatorEvents] = await Promise.all([this.events.readStream(operatorTokensStream(operatorId)), this.events.readStream(operatorStream(operatorId))]);
    const own = stream.filter((event) => event.data.tokenId === tokenId);
    if (own.length === 0) return null;
    return { events: own, stateAt: (asOf) => tokenStateOf(tokenId, happenedBy(stream, asOf), happenedBy(operatorEvents, asOf)) };
  }
}

const about = (keyId: string) => (event: RecordedEvent) => event.data.keyId === keyId;
