import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { commandScopedUuid, generateSecret, hashSecret, lastFour } from '@onehazel/crypto';
import { DomainError, keyRingDecider, keyRingStream } from '@onehazel/domain';
import { ConsistentCommands } from '@onehazel/commands';
import { IssueKeyCommand, IssuedKey } from './issue-key.command';

/** A new `oh_live_` key: the plaintext goes back once, only its SHA-256 is recorded. */
@CommandHandler(IssueKeyCommand)
export class IssueKeyHandler implements ICommandHandler<IssueKeyCommand> {
  constructor(private readonly commands: ConsistentCommands) {}

  async execute({ operatorId, label, by, context }: IssueKeyCommand): Promise<IssuedKey> {
    const key = generateSecret('oh_live_');
    const keyId = commandScopedUuid(context.commandId, 'key');
    // On a timeout the key exists but cannot be shown again: say which, so it can be revoked.
    const { replayed } = await this.commands.execute(
      keyRingDecider,
      keyRingStream(operatorId),
      { type: 'IssueApiKey', operatorId, keyId, keyHash: hashSecret(key), lastFour: lastFour(key), label, by, at: context.at },
      context,
      { timeoutDetails: { keyId } },
    );
    if (replayed) {
      // An earlier attempt of this request issued the key and died before its answer was stored. Only
      // the key's hash was recorded: its secret cannot be shown again, so the caller is told which to revoke.
      throw new DomainError(
        'KEY_SECRET_UNRECOVERABLE',
        'An earlier attempt of this request issued the key, but its answer was lost before it was sent; the secret cannot be shown again. Revoke this key and issue another',
        { keyId },
      );
    }
    return { id: keyId, key, label, createdAt: context.at };
  }
}
