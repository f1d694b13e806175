import type { Logger } from '@onehazel/runtime';
import { Collections } from '@onehazel/projections';
import type { ReadStore } from '@onehazel/read-store';

/**
 * Records when a key was last used: straight into the read model (not an event), at most once per
 * interval per key and per process, after the response (never on the request's critical path).
 */
export class LastUsedRecorder {
  private readonly written = new Map<string, number>();

  constructor(
    private readonly read: ReadStore,
    private readonly intervalMs: number,
    private readonly logger: Logger,
  ) {}

  touch(keyId: string, now = Date.now()): void {
    const last = this.written.get(keyId);
    if (last !== undefined && now - last < this.intervalMs) return;
    this.written.set(keyId, now);
    if (this.written.size > 100_000) this.forgetOlderThan(now - this.intervalMs);
    setImmediate(() => {
      this.read.patch(Collections.apiKeys, keyId, { lastUsedAt: new Date(now).toISOString() }).catch((error: unknown) => {
        this.logger.warn({ keyId, err: error instanceof Error ? error.message : String(error) }, 'lastUsedAt not recorded');
      });
    });
  }

  private forgetOlderThan(cutoff: number): void {
    for (const [keyId, at] of this.written) if (at < cutoff) this.written.delete(keyId);
  }
}
