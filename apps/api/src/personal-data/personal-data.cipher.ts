import { Inject, Injectable } from '@nestjs/common';
import { CryptoError, EntityKeyring, isEnvelope, open, seal } from '@onehazel/crypto';
import { DomainError } from '@onehazel/domain';
import type { OperatorView } from '@onehazel/projections';
import { KEYRING } from '../infrastructure/tokens';

/** The operator's own data key, in the key store beside its entities' keys. */
const PROFILE = 'profile';
const FIELD = 'contactEmail';

/**
 * An operator's contact e-mail is personal data: it is recorded in events and read models only as an
 * AES-256-GCM envelope under a data key of the operator's own (DESIGN.md §6), and shown decrypted to
 * its platform.
 */
@Injectable()
export class OperatorContactCipher {
  constructor(@Inject(KEYRING) private readonly keyring: EntityKeyring) {}

  async seal(operatorId: string, contactEmail: string): Promise<string> {
    const key = (await this.keyring.forEntity(operatorId, PROFILE, { create: true }))!;
    return seal(key, { operatorId, entityId: PROFILE, field: FIELD }, contactEmail);
  }

  async open(operatorId: string, envelope: string): Promise<string> {
    if (!isEnvelope(envelope)) throw unreadable('ENVELOPE_MALFORMED');
    const key = await this.keyring.forEntity(operatorId, PROFILE, { create: false });
    if (!key) throw unreadable('KEY_DESTROYED');
    try {
      return open(key, { operatorId, entityId: PROFILE, field: FIELD }, envelope) as string;
    } catch (error) {
      if (error instanceof CryptoError) throw unreadable(error.code);
      throw error;
    }
  }

  async reveal(view: OperatorView): Promise<OperatorView> {
    return { ...view, contactEmail: await this.open(view.id, view.contactEmail) };
  }
}

function unreadable(reason: string): DomainError {
  return new DomainError('DATA_UNREADABLE', 'Stored personal data could not be decrypted', { reason });
}
