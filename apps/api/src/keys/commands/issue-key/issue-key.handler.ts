import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { generateSecret, hashSecret, lastFour, randomUuid } from '@onehazel/crypto';
import { keyRingDecider, keyRingStream } from '@onehazel/domain';
import { ConsistentCommands } from '@onehazel/runtime';
import { IssueKey, IssuedKey } from './issue-key.command';

/** A new `oh_live_` key: the plaintext goes back once, only its SHA-256 is recorded. */
@CommandHandler(IssueKey)
export class IssueKeyHandler implements ICommandHandler<IssueKey> {
  constructor(private readonly commands: ConsistentCommands) {}

  async execute({ operatorId, label, by, context }: IssueKey): Promise<IssuedKey> {
    const key = generateSecret('oh_live_');
    const keyId = randomUuid();
    // On a timeout the key exists but cannot be shown again: say which, so it can be revoked.
    await this.commands.execute(
      keyRingDecider,
      keyRingStream(operatorId),
      { type: 'IssueApiKey', operatorId, keyId, keyHash: hashSecret(key), lastFour: lastFour(key), label, by, at: context.at },
      context,
      { timeoutDetails: { keyId } },
    );
    return { id: keyId, key, label, createdAt: context.at };
  }
}
