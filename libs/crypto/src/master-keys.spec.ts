import { randomBytes } from 'node:crypto';
import { CryptoError } from './envelope';
import { deriveOperatorKek, MasterKeys, masterKeyId, parseMasterKey } from './master-keys';

function thrown(fn: () => unknown): CryptoError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(CryptoError);
    return error as CryptoError;
  }
  throw new Error('expected a CryptoError');
}

describe('master keys', () => {
  it('parses base64 of exactly 32 bytes (standard or url-safe, whitespace trimmed)', () => {
    const raw = randomBytes(32);
    expect(parseMasterKey(raw.toString('base64')).equals(raw)).toBe(true);
    expect(parseMasterKey(`  ${raw.toString('base64url')}\n`).equals(raw)).toBe(true);
  });

  it('rejects other lengths and non-base64 with a clear error that never echoes the value', () => {
    for (const value of [
      randomBytes(31).toString('base64'),
      randomBytes(33).toString('base64'),
      'not base64 at all!',
      '',
      `${randomBytes(32).toString('base64')}$`,
    ]) {
      const error = thrown(() => parseMasterKey(value));
      expect(error.code).toBe('INVALID_MASTER_KEY');
      expect(error.message).toMatch(/MASTER_KEY must be base64 of exactly 32 bytes/);
      if (value) expect(error.message).not.toContain(value);
    }
  });

  it('names a key by 16 hex of a labelled hash, stable, distinct, and unlike the key', () => {
    const a = randomBytes(32);
    const b = randomBytes(32);
    expect(masterKeyId(a)).toMatch(/^[0-9a-f]{16}$/);
    expect(masterKeyId(Buffer.from(a))).toBe(masterKeyId(a));
    expect(masterKeyId(b)).not.toBe(masterKeyId(a));
    expect(a.toString('hex')).not.toContain(masterKeyId(a));
  });

  it('knows the current key and the previous ones by id, and nothing else', () => {
    const current = randomBytes(32);
    const old = randomBytes(32);
    const keys = MasterKeys.from(current, [old, current]);
    expect(keys.current.id).toBe(masterKeyId(current));
    expect(keys.current.key.equals(current)).toBe(true);
    expect(keys.get(masterKeyId(old))?.key.equals(old)).toBe(true);
    expect(keys.previousIds).toEqual([masterKeyId(old)]);
    expect(keys.get('0000000000000000')).toBeUndefined();
    expect(Object.isFrozen(keys)).toBe(true);
    // The keys were copied: changing the caller's buffer changes nothing.
    current.fill(0);
    expect(keys.current.key.equals(current)).toBe(false);
  });

  it('builds from base64 configuration and refuses a wrong-sized key', () => {
    const current = randomBytes(32);
    const old = randomBytes(32);
    const keys = MasterKeys.fromBase64(current.toString('base64'), [old.toString('base64')]);
    expect(keys.current.id).toBe(masterKeyId(current));
    expect(keys.previousIds).toEqual([masterKeyId(old)]);
    expect(thrown(() => MasterKeys.from(randomBytes(16))).code).toBe('INVALID_MASTER_KEY');
  });

  it('derives a 32-byte KEK per operator and per master key, deterministically', async () => {
    const m1 = randomBytes(32);
    const m2 = randomBytes(32);
    const a1 = await deriveOperatorKek(m1, 'op_a');
    expect(a1).toHaveLength(32);
    expect((await deriveOperatorKek(m1, 'op_a')).equals(a1)).toBe(true);
    expect((await deriveOperatorKek(m1, 'op_b')).equals(a1)).toBe(false);
    expect((await deriveOperatorKek(m2, 'op_a')).equals(a1)).toBe(false);
    expect(a1.equals(m1)).toBe(false);
    await expect(deriveOperatorKek(m1, '')).rejects.toMatchObject({ code: 'INVALID_CONTEXT' });
  });
});
