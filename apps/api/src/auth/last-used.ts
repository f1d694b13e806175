import { OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from '@onehazel/runtime';
import { Collections } from '@onehazel/projections';
import type { ReadStore } from '@onehazel/read-store';

/**
 * Records when a key was last used: not an event, and never on a request's path. Uses are noted in
 * memory and written in the background, at most once per interval per key and process; the store's
 * write is itself conditional, so several instances together also write about once per interval.
 * Kept in its own collection, which no projection rewrites (so a rename cannot roll it back).
 */
export class LastUsedRecorder implements OnApplicationShutdown {
  private readonly noted = new Map<string, number>();
  private pending = new Map<string, number>();
  private readonly timer: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly read: ReadStore,
    private readonly intervalMs: number,
    private readonly logger: Logger,
    flushEveryMs = Math.min(1000, Math.max(10, intervalMs)),
  ) {
    this.timer = setInterval(() => void this.flush(), flushEveryMs);
    this.timer.unref();
  }

  touch(keyId: string, now = Date.now()): void {
    const last = this.noted.get(keyId);
    if (last !== undefined && now - last < this.intervalMs) return;
    this.noted.set(keyId, now);
    this.pending.set(keyId, now);
    if (this.noted.size > 100_000) this.forgetOlderThan(now - this.intervalMs);
  }

  /** Writes what is pending; a failure is logged and the uses are dropped (they are not events). */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      if (this.pending.size === 0) return;
      const batch = this.pending;
      this.pending = new Map();
      for (const [keyId, at] of batch) {
        try {
          await this.read.recordTime(Collections.apiKeyUsage, keyId, 'lastUsedAt', new Date(at).toISOString(), this.intervalMs);
        } catch (error) {
          this.logger.warn({ keyId, err: error instanceof Error ? error.message : String(error) }, 'lastUsedAt not recorded');
        }
      }
    });
    return this.flushing;
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  private forgetOlderThan(cutoff: number): void {
    for (const [keyId, at] of this.noted) if (at < cutoff) this.noted.delete(keyId);
  }
}
