import { randomBytes } from 'node:crypto';
import { CryptoError, type DataKey, envelopeKey, isEnvelope, open, seal } from './envelope';

const key: DataKey = { keyId: 'dk_0123456789abcdef01234567', version: 1, key: randomBytes(32) };
const context = { operatorId: 'op_1111111111111111', entityId: 'ent_aaaaaaaaaaaaaaaa', field: 'email' };
const SECRET = 'james.wilson@example.com';

/** Runs `fn`, expecting a CryptoError; answers it. Fails the test if `fn` answers anything. */
function rejection(fn: () => unknown): CryptoError {
  let answered: unknown;
  try {
    answered = fn();
  } catch (error) {
    expect(error).toBeInstanceOf(CryptoError);
    const crypto = error as CryptoError;
    expect(crypto.message).not.toContain(SECRET);
    expect(crypto.message).not.toContain(key.key.toString('hex'));
    expect(crypto.message).not.toContain(key.key.toString('base64url'));
    return crypto;
  }
  throw new Error(`expected a CryptoError, got data: ${JSON.stringify(answered)}`);
}

/** Decodes one base64url part of the envelope, flips a bit of one byte, and re-encodes it. */
function flipPart(envelope: string, part: number, byte = 0): string {
  const parts = envelope.split('.');
  const bytes = Buffer.from(parts[part]!, 'base64url');
  bytes[byte] = bytes[byte]! ^ 0x01;
  parts[part] = bytes.toString('base64url');
  return parts.join('.');
}

function replacePart(envelope: string, part: number, value: string): string {
  const parts = envelope.split('.');
  parts[part] = value;
  return parts.join('.');
}

describe('field envelopes', () => {
  it('round-trips strings, numbers, booleans, null, arrays and objects', () => {
    for (const value of [SECRET, '', 'Zoë 🌍', 0, -12.5, 1e21, true, false, null, [1, 'a'], { a: { b: [null, 2] } }]) {
      expect(open(key, context, seal(key, context, value))).toEqual(value);
    }
  });

  it('has the documented format, names its key, and hides the value', () => {
    const envelope = seal(key, context, SECRET);
    expect(envelope).toMatch(/^oh1\.dk_0123456789abcdef01234567\.1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/);
    expect(envelope).not.toContain(SECRET);
    expect(isEnvelope(envelope)).toBe(true);
    expect(envelopeKey(envelope)).toEqual({ keyId: key.keyId, version: 1 });
  });

  it('seals the same value twice into different envelopes (random nonce)', () => {
    const a = seal(key, context, SECRET);
    const b = seal(key, context, SECRET);
    expect(a).not.toBe(b);
    expect(a.split('.')[3]).not.toBe(b.split('.')[3]);
    expect(open(key, context, a)).toBe(SECRET);
    expect(open(key, context, b)).toBe(SECRET);
  });

  it('rejects a flipped byte in the nonce, the ciphertext or the tag as ENVELOPE_TAMPERED', () => {
    const envelope = seal(key, context, SECRET);
    for (const part of [3, 4, 5]) {
      for (const byte of [0, 5, 11]) {
        expect(rejection(() => open(key, context, flipPart(envelope, part, byte))).code).toBe('ENVELOPE_TAMPERED');
      }
    }
  });

  it('never answers data for any single-character change of the envelope', () => {
    const envelope = seal(key, context, SECRET);
    for (let i = 0; i < envelope.length; i += 1) {
      const replacement = envelope[i] === 'A' ? 'B' : 'A';
      const changed = envelope.slice(0, i) + replacement + envelope.slice(i + 1);
      expect(['ENVELOPE_MALFORMED', 'ENVELOPE_TAMPERED', 'KEY_MISMATCH']).toContain(rejection(() => open(key, context, changed)).code);
    }
  });

  it('rejects an envelope whose header names another key id or version', () => {
    const envelope = seal(key, context, SECRET);
    const otherId = replacePart(envelope, 1, 'dk_ffffffffffffffffffffffff');
    const otherVersion = replacePart(envelope, 2, '2');
    expect(rejection(() => open(key, context, otherId)).code).toBe('KEY_MISMATCH');
    expect(rejection(() => open(key, context, otherVersion)).code).toBe('KEY_MISMATCH');
    // Even when the reader holds the same bytes under the edited id or version, the AAD does not match.
    expect(rejection(() => open({ ...key, keyId: 'dk_ffffffffffffffffffffffff' }, context, otherId)).code).toBe(
      'ENVELOPE_TAMPERED',
    );
    expect(rejection(() => open({ ...key, version: 2 }, context, otherVersion)).code).toBe('ENVELOPE_TAMPERED');
  });

  it('rejects an envelope moved to another field, entity or operator', () => {
    const envelope = seal(key, context, SECRET);
    expect(rejection(() => open(key, { ...context, field: 'phone' }, envelope)).code).toBe('ENVELOPE_TAMPERED');
    expect(rejection(() => open(key, { ...context, entityId: 'ent_bbbbbbbbbbbbbbbb' }, envelope)).code).toBe(
      'ENVELOPE_TAMPERED',
    );
    expect(rejection(() => open(key, { ...context, operatorId: 'op_2222222222222222' }, envelope)).code).toBe(
      'ENVELOPE_TAMPERED',
    );
  });

  it('rejects the envelope under another key with the same id (wrong key bytes)', () => {
    const envelope = seal(key, context, SECRET);
    expect(rejection(() => open({ ...key, key: randomBytes(32) }, context, envelope)).code).toBe('ENVELOPE_TAMPERED');
  });

  it('rejects malformed envelopes: wrong prefix, missing or extra parts, bad sizes, non-canonical base64url', () => {
    const envelope = seal(key, context, SECRET);
    // The tag's last character carries 2 bits of the tag and 4 unused ones: setting an unused bit spells
    // the same bytes differently, which must be refused rather than accepted.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const tag = envelope.split('.')[5]!;
    const nonCanonicalTag = tag.slice(0, -1) + alphabet[alphabet.indexOf(tag[tag.length - 1]!) ^ 1];
    for (const bad of [
      '',
      SECRET,
      envelope.replace(/^oh1/, 'oh2'),
      envelope.split('.').slice(0, 5).join('.'),
      `${envelope}.AAAA`,
      replacePart(envelope, 2, '0'),
      replacePart(envelope, 3, 'AAAA'),
      replacePart(envelope, 4, ''),
      replacePart(envelope, 5, nonCanonicalTag),
    ]) {
      expect(rejection(() => open(key, context, bad)).code).toBe('ENVELOPE_MALFORMED');
    }
    expect(isEnvelope(SECRET)).toBe(false);
    expect(isEnvelope(42)).toBe(false);
    expect(rejection(() => envelopeKey('oh1.nope')).code).toBe('ENVELOPE_MALFORMED');
  });

  it('refuses bad keys, empty context parts and values JSON cannot hold, without echoing them', () => {
    expect(rejection(() => seal({ ...key, key: randomBytes(16) }, context, SECRET)).code).toBe('INVALID_KEY');
    expect(rejection(() => seal({ ...key, keyId: 'has.dot' }, context, SECRET)).code).toBe('INVALID_KEY');
    expect(rejection(() => seal({ ...key, version: 0 }, context, SECRET)).code).toBe('INVALID_KEY');
    expect(rejection(() => seal(key, { ...context, field: '' }, SECRET)).code).toBe('INVALID_CONTEXT');
    expect(rejection(() => seal(key, context, undefined)).code).toBe('VALUE_UNSUPPORTED');
    expect(rejection(() => seal(key, context, BigInt(1))).code).toBe('VALUE_UNSUPPORTED');
    const circular: Record<string, unknown> = { secret: SECRET };
    circular.self = circular;
    expect(rejection(() => seal(key, context, circular)).code).toBe('VALUE_UNSUPPORTED');
  });
});
