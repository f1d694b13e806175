import type { OperatorTokenEvent } from '@onehazel/domain';
import { RecordedEvent, sortablePosition } from '@onehazel/event-store';
import type { Projection, ReadModelWriter } from '../projection';
import { Collections, OperatorTokenView } from './read-models';

const TOKEN_EVENTS: ReadonlySet<string> = new Set(['OperatorTokenMinted', 'OperatorTokenRevoked', 'ChildKeyMinted', 'ChildKeyRevoked']);

/**
 * Operators' tokens (seed 003): what minting a child key authenticates against (by hash) and what the
 * operator lists, with the count of each token's live child keys. The child keys themselves are API keys
 * (the api-keys projection).
 */
export const operatorTokensProjection: Projection = {
  name: 'operator-tokens',
  collections: [Collections.operatorTokens],
  indexes: [
    { collection: Collections.operatorTokens, fields: ['tokenHash'] },
    { collection: Collections.operatorTokens, fields: ['operatorId', 'revoked', 'createdPosition'] },
  ],
  async apply(recorded: RecordedEvent, writer: ReadModelWriter): Promise<void> {
    if (!TOKEN_EVENTS.has(recorded.type)) return;
    const event = recorded as unknown as OperatorTokenEvent;
    if (event.type === 'OperatorTokenMinted') {
      const { tokenId, operatorId, tokenHash, lastFour, label, monthlyQuotaSubmissions, childQuotaPct, mintedAt } = event.data;
      const view: OperatorTokenView = {
        id: tokenId,
        operatorId,
        tokenHash,
        lastFour,
        label,
        monthlyQuotaSubmissions,
        childQuotaPct,
        createdAt: mintedAt,
        revoked: false,
        revokedAt: null,
        childrenCount: 0,
        createdPosition: sortablePosition(recorded.position),
      };
      writer.put(Collections.operatorTokens, view);
      return;
    }
    const token = await writer.get<OperatorTokenView>(Collections.operatorTokens, event.data.tokenId);
    if (!token) return;
    switch (event.type) {
      case 'OperatorTokenRevoked':
        writer.put(Collections.operatorTokens, { ...token, revoked: true, revokedAt: event.data.revokedAt });
        return;
      case 'ChildKeyMinted':
        writer.put(Collections.operatorTokens, { ...token, childrenCount: token.childrenCount + 1 });
        return;
      case 'ChildKeyRevoked':
        writer.put(Collections.operatorTokens, { ...token, childrenCount: Math.max(0, token.childrenCount - 1) });
        return;
      default:
        return;
    }
  },
};
