import { Command } from '@nestjs/cqrs';
import type { CommandContext } from '@onehazel/domain';

/** A child key for a fleet daemon, shown once, with the agent identity it acts as (seed 003). */
export type MintedChildKey = Readonly<{
  keyId: string;
  agentId: string;
  key: string;
  tokenId: string;
  displayName: string;
  /** Whether the child can make a submission now (see SubmissionQuota.floorQualified). */
  floorQualified: boolean;
  createdAt: string;
}>;

export class MintChildKeyCommand extends Command<MintedChildKey> {
  constructor(
    readonly operatorId: string,
    readonly tokenId: string,
    readonly displayName: string | null,
    readonly context: CommandContext,
  ) {
    super();
  }
}
