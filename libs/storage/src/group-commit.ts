import type Database from 'better-sqlite3';

type Pending = Readonly<{ work: () => unknown; resolve: (value: unknown) => void; reject: (error: unknown) => void }>;
export type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/**
 * Runs the works in one IMMEDIATE transaction, each in a savepoint of its own (one that throws undoes only
 * its own changes), and commits: the outcome of each. Throws, and keeps nothing, when SQLite rolled back
 * the whole transaction (some errors, I/O or a full disk, do that) or the commit failed.
 */
export function commitBatch(db: Database.Database, works: readonly (() => unknown)[]): Outcome[] {
  const each = db.transaction((work: () => unknown) => work());
  const outcomes: Outcome[] = [];
  db.transaction(() => {
    for (const work of works) {
      try {
        outcomes.push({ ok: true, value: each(work) });
      } catch (error) {
        if (!db.inTransaction) throw error;
        outcomes.push({ ok: false, error });
      }
    }
  }).immediate();
  return outcomes;
}

export type GroupCommitOptions = Readonly<{
  /** Most writes in one transaction; the rest wait for the next one (default 1000). */
  maxBatch?: number;
  /** Called once a batch is durable, before its writers are answered (e.g. to wake subscribers). */
  afterCommit?: () => void;
}>;

/**
 * Group commit for one SQLite file. Writes asked for during one turn of the event loop run together in one
 * IMMEDIATE transaction, each in a savepoint of its own, so one that throws (a wrong expected revision)
 * undoes only its own changes; each writer is answered only once the whole transaction has committed. With
 * synchronous=FULL that is one fsync for the batch instead of one per write, and nobody hears "done"
 * before their write is on disk.
 *
 * better-sqlite3 is synchronous, so while a batch commits (and fsyncs) the event loop waits; the requests
 * that arrive meanwhile reach their writes in the next turn and form the next batch. Under load the
 * batches grow by themselves; a lone write waits one turn (setImmediate) at most.
 */
export class GroupCommit {
  private queue: Pending[] = [];
  private scheduled = false;
  private readonly maxBatch: number;

  constructor(
    private readonly db: Database.Database,
    private readonly options: GroupCommitOptions = {},
  ) {
    this.maxBatch = options.maxBatch ?? 1000;
  }

  /** Runs `work` inside the next batch's transaction; resolves with its result once the batch is committed. */
  run<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.queue.slice(0, this.maxBatch);
    this.queue = this.queue.slice(batch.length);
    if (this.queue.length > 0) this.schedule();
    if (!this.db.open) {
      for (const pending of batch) pending.reject(new Error('the database is closed'));
      return;
    }
    let outcomes: Outcome[];
    try {
      outcomes = commitBatch(this.db, batch.map((pending) => pending.work));
    } catch (error) {
      for (const pending of batch) pending.reject(error);
      return;
    }
    this.options.afterCommit?.();
    batch.forEach((pending, index) => {
      const outcome = outcomes[index]!;
      if (outcome.ok) pending.resolve(outcome.value);
      else pending.reject(outcome.error);
    });
  }
}
