import { Command } from '@nestjs/cqrs';
import type { CommandContext } from '@onehazel/domain';

/** A new operator token: its plaintext goes back once (seed 003). */
export type MintedOperatorToken = Readonly<{
  id: string;
  token: string;
  label: string | null;
  monthlyQuotaSubmissions: number;
  childQuotaPct: number;
  createdAt: string;
}>;

export class MintOperatorTokenCommand extends Command<MintedOperatorToken> {
  constructor(
    readonly operatorId: string,
    readonly label: string | null,
    readonly monthlyQuotaSubmissions: number,
    readonly childQuotaPct: number,
    readonly context: CommandContext,
  ) {
    super();
  }
}
