import { given } from '../shared/given-when-then.spec-helper';
import { PlatformKeyIssued, PlatformRegistered, platformDecider } from './platform';

const at = '2026-04-06T12:00:00.000Z';
const registered: PlatformRegistered = { type: 'PlatformRegistered', data: { platformId: 'plt_a', name: 'Acme', registeredAt: at } };
const issued: PlatformKeyIssued = {
  type: 'PlatformKeyIssued',
  data: { platformId: 'plt_a', keyId: 'pk_1', keyHash: 'h'.repeat(64), lastFour: 'abcd', issuedAt: at },
};

describe('platform decider', () => {
  it('registers a platform with a trimmed name', () => {
    given(platformDecider, [])
      .when({ type: 'RegisterPlatform', platformId: 'plt_a', name: '  Acme ', at })
      .then([registered]);
  });

  it('refuses an empty name and a second registration', () => {
    given(platformDecider, []).when({ type: 'RegisterPlatform', platformId: 'plt_a', name: '   ', at }).thenFails('VALIDATION_FAILED');
    given(platformDecider, [registered]).when({ type: 'RegisterPlatform', platformId: 'plt_a', name: 'Acme', at }).thenFails('CONFLICT');
  });

  it('issues keys only to a registered platform, recording the hash and never the key', () => {
    given(platformDecider, [registered])
      .when({ type: 'IssuePlatformKey', platformId: 'plt_a', keyId: 'pk_1', keyHash: 'h'.repeat(64), lastFour: 'abcd', at })
      .then([issued]);
    given(platformDecider, [])
      .when({ type: 'IssuePlatformKey', platformId: 'plt_a', keyId: 'pk_1', keyHash: 'h'.repeat(64), lastFour: 'abcd', at })
      .thenFails('PLATFORM_NOT_FOUND');
  });

  it('revokes a key once; revoking it again changes nothing; an unknown key is not found', () => {
    const revoked = { type: 'PlatformKeyRevoked' as const, data: { platformId: 'plt_a', keyId: 'pk_1', revokedAt: at } };
    given(platformDecider, [registered, issued]).when({ type: 'RevokePlatformKey', platformId: 'plt_a', keyId: 'pk_1', at }).then([revoked]);
    given(platformDecider, [registered, issued, revoked]).when({ type: 'RevokePlatformKey', platformId: 'plt_a', keyId: 'pk_1', at }).then([]);
    given(platformDecider, [registered]).when({ type: 'RevokePlatformKey', platformId: 'plt_a', keyId: 'pk_9', at }).thenFails('PLATFORM_KEY_NOT_FOUND');
  });
});
