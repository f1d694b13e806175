import { given } from '../shared/given-when-then.spec-helper';
import { ApiKeyIssued, ApiKeyRevoked, keyRingDecider } from './key-ring';

const at = '2026-04-06T12:00:00.000Z';
const issued = (keyId: string): ApiKeyIssued => ({
  type: 'ApiKeyIssued',
  data: { operatorId: 'op_1', keyId, keyHash: `hash-${keyId}`, lastFour: 'abcd', label: null, tier: 'verified', issuedBy: 'operator', issuedAt: at },
});
const revoked = (keyId: string): ApiKeyRevoked => ({
  type: 'ApiKeyRevoked',
  data: { operatorId: 'op_1', keyId, revokedBy: 'operator', revokedAt: at },
});

describe('key ring decider', () => {
  it('issues a verified key recording its hash, never the key', () => {
    given(keyRingDecider, [])
      .when({ type: 'IssueApiKey', operatorId: 'op_1', keyId: 'k1', keyHash: 'hash-k1', lastFour: 'abcd', label: null, by: 'operator', at })
      .then([issued('k1')]);
  });

  it('renames an existing key, and answers not found for another', () => {
    given(keyRingDecider, [issued('k1')])
      .when({ type: 'RenameApiKey', operatorId: 'op_1', keyId: 'k1', label: 'Production v2', at })
      .then([{ type: 'ApiKeyRenamed', data: { operatorId: 'op_1', keyId: 'k1', label: 'Production v2', renamedAt: at } }]);
    given(keyRingDecider, [issued('k1')])
      .when({ type: 'RenameApiKey', operatorId: 'op_1', keyId: 'k2', label: 'x', at })
      .thenFails('API_KEY_NOT_FOUND');
  });

  it('revokes a key while another stays active', () => {
    given(keyRingDecider, [issued('k1'), issued('k2')])
      .when({ type: 'RevokeApiKey', operatorId: 'op_1', keyId: 'k1', by: 'operator', at })
      .then([revoked('k1')]);
  });

  it('refuses an operator the revocation of its last active key', () => {
    given(keyRingDecider, [issued('k1'), issued('k2'), revoked('k2')])
      .when({ type: 'RevokeApiKey', operatorId: 'op_1', keyId: 'k1', by: 'operator', at })
      .thenFails('LAST_ACTIVE_KEY');
  });

  it('lets the platform revoke the last active key (incident response)', () => {
    given(keyRingDecider, [issued('k1')])
      .when({ type: 'RevokeApiKey', operatorId: 'op_1', keyId: 'k1', by: 'platform', at })
      .then([{ type: 'ApiKeyRevoked', data: { operatorId: 'op_1', keyId: 'k1', revokedBy: 'platform', revokedAt: at } }]);
  });

  it('revoking a revoked key changes nothing', () => {
    given(keyRingDecider, [issued('k1'), issued('k2'), revoked('k1')])
      .when({ type: 'RevokeApiKey', operatorId: 'op_1', keyId: 'k1', by: 'operator', at })
      .then([]);
  });

  it('hard-deletes only a revoked key; a deleted key is gone', () => {
    given(keyRingDecider, [issued('k1'), issued('k2')])
      .when({ type: 'DeleteApiKey', operatorId: 'op_1', keyId: 'k1', at })
      .thenFails('KEY_NOT_REVOKED');
    const deleted = { type: 'ApiKeyDeleted' as const, data: { operatorId: 'op_1', keyId: 'k1', deletedAt: at } };
    given(keyRingDecider, [issued('k1'), issued('k2'), revoked('k1')])
      .when({ type: 'DeleteApiKey', operatorId: 'op_1', keyId: 'k1', at })
      .then([deleted]);
    given(keyRingDecider, [issued('k1'), issued('k2'), revoked('k1'), deleted])
      .when({ type: 'DeleteApiKey', operatorId: 'op_1', keyId: 'k1', at })
      .thenFails('API_KEY_NOT_FOUND');
  });
});
