import { deterministicUuid } from './ids';
import { generateSecret, hashSecret, isWellFormedSecret, lastFour } from './secrets';

describe('secrets', () => {
  it('generates prefixed 64-hex secrets that pass their own checksum', () => {
    const key = generateSecret('oh_platform_');
    expect(key).toMatch(/^oh_platform_[0-9a-f]{64}$/);
    expect(isWellFormedSecret('oh_platform_', key)).toBe(true);
    expect(generateSecret('oh_platform_')).not.toBe(key);
  });

  it('rejects a mistyped, truncated, upper-cased or wrongly prefixed secret without a lookup', () => {
    const key = generateSecret('oh_live_');
    const flipped = key.slice(0, 20) + (key[20] === 'a' ? 'b' : 'a') + key.slice(21);
    expect(isWellFormedSecret('oh_live_', flipped)).toBe(false);
    expect(isWellFormedSecret('oh_live_', key.slice(0, -1))).toBe(false);
    expect(isWellFormedSecret('oh_live_', key.toUpperCase())).toBe(false);
    expect(isWellFormedSecret('oh_platform_', key)).toBe(false);
  });

  it('hashes with SHA-256 and shows only the last four characters', () => {
    expect(hashSecret('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(lastFour('oh_live_123456')).toBe('3456');
  });

  it('derives the same UUID from the same seed and another from another', () => {
    const id = deterministicUuid('req-1|0');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(deterministicUuid('req-1|0')).toBe(id);
    expect(deterministicUuid('req-1|1')).not.toBe(id);
  });
});
