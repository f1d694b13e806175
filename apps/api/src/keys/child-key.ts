import { ApiKeyView, Collections } from '@onehazel/projections';
import type { ReadStore } from '@onehazel/read-store';

/**
 * Whether the key is one of the operator's child keys (minted from an operator token): those live in
 * the operator's token stream, not its key ring. The read model resolves the id to its stream (DESIGN.md
 * §1: a command handler reads a read model only to resolve an id); the stream's decider decides.
 */
export async function isChildKeyOf(read: ReadStore, operatorId: string, keyId: string): Promise<boolean> {
  const key = (await read.get(Collections.apiKeys, keyId)) as ApiKeyView | null;
  return key?.operatorId === operatorId && key.tier === 'operator_child';
}
