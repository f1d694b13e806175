import { secureRandomBytes } from './random';

describe('secureRandomBytes', () => {
  it('never hands out the same pooled bytes twice, across many pool refills', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 5_000; i++) seen.add(secureRandomBytes(16).toString('hex'));
    expect(seen.size).toBe(5_000);
  });

  it('gives each caller a buffer of its own, of the size asked, large sizes included', () => {
    const a = secureRandomBytes(32);
    const b = secureRandomBytes(32);
    expect(a.buffer).not.toBe(b.buffer);
    expect(a.byteOffset).toBe(0);
    expect(a.buffer.byteLength).toBe(32); // not a view of a shared slab: a data key does not pin or share memory
    expect(secureRandomBytes(0)).toHaveLength(0);
    const large = secureRandomBytes(10_000);
    expect(large).toHaveLength(10_000);
    expect(large.subarray(0, 32).equals(Buffer.alloc(32))).toBe(false);
  });

  it('refuses a size that is not a whole number', () => {
    expect(() => secureRandomBytes(-1)).toThrow(RangeError);
    expect(() => secureRandomBytes(1.5)).toThrow(RangeError);
  });
});
