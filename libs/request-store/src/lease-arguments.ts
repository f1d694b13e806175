/** What every adapter refuses before touching a lease, so that they all refuse alike. */
export function assertLeaseName(name: string, owner: string): void {
  if (typeof name !== 'string' || name.length === 0) throw new RangeError('a lease needs a name');
  if (typeof owner !== 'string' || owner.length === 0) throw new RangeError(`the lease ${JSON.stringify(name)} needs an owner`);
}

export function assertLeaseClaim(name: string, owner: string, now: number, ttlMs: number): void {
  assertLeaseName(name, owner);
  if (typeof now !== 'number' || !Number.isFinite(now)) throw new RangeError(`the lease ${JSON.stringify(name)} is claimed at no time`);
  if (!Number.isSafeInteger(ttlMs) || ttlMs <= 0) throw new RangeError(`the lease ${JSON.stringify(name)} needs a ttl of a whole number of ms, 1 or more`);
}
