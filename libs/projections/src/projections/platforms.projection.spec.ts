import { ProjectionSpec } from '../projection.spec-helper';
import { Collections, PlatformKeyView, PlatformView } from './read-models';

const registered = (platformId: string) => ({ type: 'PlatformRegistered', data: { platformId, name: `Platform ${platformId}`, registeredAt: 't0' } }) as const;
const keyIssued = (platformId: string, keyId: string, issuedAt = 't1') =>
  ({ type: 'PlatformKeyIssued', data: { platformId, keyId, keyHash: `hash-${keyId}`, lastFour: keyId.slice(-4), issuedAt } }) as const;
const keyRevoked = (platformId: string, keyId: string, revokedAt = 't2') => ({ type: 'PlatformKeyRevoked', data: { platformId, keyId, revokedAt } }) as const;

/** Given these events, then this read model: platforms, and their keys by hash as authentication reads them. */
describe('platforms projection', () => {
  let spec: ProjectionSpec;
  const platform = async (id: string) => (await spec.get<PlatformView>(Collections.platforms, id))!;
  /** What authentication reads for `Bearer oh_platform_...`: the key by the hash of the secret. */
  const byHash = (keyHash: string) => spec.get<PlatformKeyView>(Collections.platformKeys, keyHash);

  beforeEach(async () => {
    spec = await ProjectionSpec.start();
  });

  it('projects a registered platform, and its issued keys both on it and by hash', async () => {
    await spec.given(registered('plat_1'), keyIssued('plat_1', 'pk_0001'), keyIssued('plat_1', 'pk_0002', 't3'));
    expect(await platform('plat_1')).toEqual({
      id: 'plat_1',
      name: 'Platform plat_1',
      registeredAt: 't0',
      keys: {
        pk_0001: { keyHash: 'hash-pk_0001', lastFour: '0001', revoked: false, issuedAt: 't1' },
        pk_0002: { keyHash: 'hash-pk_0002', lastFour: '0002', revoked: false, issuedAt: 't3' },
      },
    });
    expect(await byHash('hash-pk_0002')).toEqual({
      id: 'hash-pk_0002',
      keyId: 'pk_0002',
      platformId: 'plat_1',
      lastFour: '0002',
      revoked: false,
      issuedAt: 't3',
      revokedAt: null,
    });
  });

  it('revokes a key: marked on the platform and by hash, with the time, the other key untouched', async () => {
    await spec.given(registered('plat_1'), keyIssued('plat_1', 'pk_0001'), keyIssued('plat_1', 'pk_0002'), keyRevoked('plat_1', 'pk_0001', 't5'));
    expect(await byHash('hash-pk_0001')).toMatchObject({ revoked: true, revokedAt: 't5' });
    expect(await byHash('hash-pk_0002')).toMatchObject({ revoked: false, revokedAt: null });
    expect((await platform('plat_1')).keys).toMatchObject({ pk_0001: { revoked: true }, pk_0002: { revoked: false } });
  });

  it('revokes a key issued in the same batch', async () => {
    await spec.givenOneBatch(registered('plat_1'), keyIssued('plat_1', 'pk_0001'), keyRevoked('plat_1', 'pk_0001'));
    expect(await byHash('hash-pk_0001')).toMatchObject({ revoked: true, revokedAt: 't2' });
  });

  it('keeps platforms apart: a revocation names the key’s own platform', async () => {
    await spec.given(registered('plat_1'), registered('plat_2'), keyIssued('plat_1', 'pk_0001'), keyRevoked('plat_2', 'pk_0001'));
    expect(await byHash('hash-pk_0001')).toMatchObject({ revoked: false });
    expect((await platform('plat_2')).keys).toEqual({});
  });

  it('authenticates a key issued after another was revoked: only the revoked one is refused', async () => {
    await spec.given(registered('plat_1'), keyIssued('plat_1', 'pk_0001'), keyRevoked('plat_1', 'pk_0001', 't5'), keyIssued('plat_1', 'pk_0002', 't6'));
    expect(await byHash('hash-pk_0001')).toMatchObject({ revoked: true, revokedAt: 't5' });
    expect(await byHash('hash-pk_0002')).toMatchObject({ revoked: false, platformId: 'plat_1', issuedAt: 't6' });
    expect(Object.keys((await platform('plat_1')).keys)).toEqual(['pk_0001', 'pk_0002']);
  });

  it('ignores a key issued for a platform it never saw registered', async () => {
    await spec.given(keyIssued('plat_ghost', 'pk_0001'));
    expect(await spec.get(Collections.platforms, 'plat_ghost')).toBeNull();
    expect(await byHash('hash-pk_0001')).toBeNull();
  });
});
