import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import type { SqliteOptions } from './sqlite';

/** The writes a writer thread can run on its connection, by name; each returns a result that can be posted back. */
export type WriteProgram = Readonly<Record<string, (args: never) => unknown>>;

/**
 * A module run inside the writer thread: `createWriteProgram(db)` prepares its statements on the thread's
 * connection. It may import only packages and relative paths (no `@onehazel/...` aliases): under Jest the
 * thread compiles the TypeScript sources itself.
 */
export type WriteProgramModule = Readonly<{ createWriteProgram(db: Database.Database): WriteProgram }>;

/** An error of a write, as it crosses from the thread: its name, message and own fields (e.g. a stream and revisions). */
export type WriteError = Error & Readonly<Record<string, unknown>>;

export type SqliteWriterOptions = Readonly<{
  file: string;
  sqlite: SqliteOptions;
  /** Absolute path of the WriteProgramModule, without extension (`require.resolve` finds .js or, under Jest, .ts). */
  program: string;
  /** Most writes in one transaction (default 1000). */
  maxBatch?: number;
  /** Called once a batch is durable, before its writers are answered. */
  afterCommit?: () => void;
}>;

type Pending = Readonly<{ op: string; args: unknown; resolve: (value: unknown) => void; reject: (error: unknown) => void }>;
type Reply = Readonly<{ outcomes?: ({ ok: true; value: unknown } | { ok: false; error: Record<string, unknown> })[]; failed?: Record<string, unknown> }>;

/**
 * The thread's code. Under Jest the sources are TypeScript: they are compiled with swc as they are required.
 * Each message is a batch: run in one transaction by commitBatch, committed (fsync'd with synchronous=FULL)
 * here, off the event loop of the process.
 */
const THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
if (workerData.swc) {
  const { transformSync } = require(workerData.swc);
  const { readFileSync } = require('node:fs');
  require.extensions['.ts'] = (module, filename) => module._compile(
    transformSync(readFileSync(filename, 'utf8'), { filename, jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }).code,
    filename,
  );
}
const { openSqlite } = require(workerData.sqlite);
const { commitBatch } = require(workerData.groupCommit);
const db = openSqlite(workerData.file, workerData.options);
const program = require(workerData.program).createWriteProgram(db);
const describe = (error) => ({ ...error, name: error && error.name, message: error && error.message, code: error && error.code });
parentPort.on('message', (message) => {
  if (message === 'close') {
    db.close();
    parentPort.close();
    return;
  }
  try {
    const outcomes = commitBatch(db, message.map(({ op, args }) => () => {
      const run = program[op];
      if (!run) throw new Error('unknown write ' + op);
      return run(args);
    }));
    parentPort.postMessage({ outcomes: outcomes.map((o) => (o.ok ? o : { ok: false, error: describe(o.error) })) });
  } catch (error) {
    parentPort.postMessage({ failed: describe(error) });
  }
});
`;

function revive(described: Record<string, unknown>): WriteError {
  const error = new Error(String(described.message)) as Error & Record<string, unknown>;
  Object.assign(error, described);
  return error as WriteError;
}

/**
 * Group commit on a thread of its own, for the files whose commits must be fsync'd (the log, the key
 * store). Writes asked for while a batch commits queue up and form the next batch: one transaction and
 * one fsync for each, and the event loop goes on serving requests while the disk syncs, where a commit on
 * the main thread (better-sqlite3 is synchronous) would hold every request up for its fsync. A writer is
 * answered only after its batch committed; readers on other connections see a batch only once it has.
 */
export class SqliteWriter {
  private readonly worker: Worker;
  private queue: Pending[] = [];
  private inFlight: Pending[] | null = null;
  private failed: Error | null = null;
  private readonly closed: Promise<void>;
  /** Called when nothing is queued or in flight any more (close waits for it). */
  private onIdle: (() => void) | null = null;
  private readonly maxBatch: number;

  constructor(private readonly options: SqliteWriterOptions) {
    this.maxBatch = options.maxBatch ?? 1000;
    const typescript = __filename.endsWith('.ts');
    this.worker = new Worker(THREAD, {
      eval: true,
      workerData: {
        file: options.file,
        options: options.sqlite,
        program: options.program,
        sqlite: join(__dirname, 'sqlite'),
        groupCommit: join(__dirname, 'group-commit'),
        swc: typescript ? require.resolve('@swc/core') : null,
      },
    });
    this.worker.unref();
    this.worker.on('message', (reply: Reply) => this.answer(reply));
    this.worker.on('error', (error) => this.fail(error));
    this.closed = new Promise((resolve) => this.worker.once('exit', () => resolve()));
    this.worker.once('exit', () => this.fail(new Error(`the writer of ${options.file} has stopped`)));
  }

  /** Runs the program's write `op` in the next batch; resolves with its result once the batch is committed. */
  run<T>(op: string, args: unknown): Promise<T> {
    if (this.failed) return Promise.reject(this.failed);
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ op, args, resolve: resolve as (value: unknown) => void, reject });
      this.send();
    });
  }

  /** Throws when the thread has stopped: every write would fail (for health checks). */
  check(): void {
    if (this.failed) throw this.failed;
  }

  /** Answers the writes already asked for, then closes the thread's connection. */
  async close(): Promise<void> {
    this.worker.ref(); // waiting for the thread keeps the process alive
    if (!this.failed && (this.inFlight || this.queue.length > 0)) await new Promise<void>((resolve) => (this.onIdle = resolve));
    if (!this.failed) this.worker.postMessage('close');
    await this.closed;
  }

  private send(): void {
    if (this.inFlight || this.queue.length === 0) return;
    const batch = this.queue.slice(0, this.maxBatch);
    this.queue = this.queue.slice(batch.length);
    try {
      this.worker.postMessage(batch.map(({ op, args }) => ({ op, args })));
    } catch (error) {
      // Arguments that cannot be copied to the thread (a function, a symbol...): those writes fail, nothing else.
      for (const pending of batch) pending.reject(error);
      this.send();
      return;
    }
    this.inFlight = batch;
    this.worker.ref(); // a write in flight keeps the process alive until it is answered
  }

  private answer(reply: Reply): void {
    const batch = this.inFlight ?? [];
    this.inFlight = null;
    this.worker.unref();
    if (reply.failed) {
      const error = revive(reply.failed);
      for (const pending of batch) pending.reject(error);
    } else {
      this.options.afterCommit?.();
      batch.forEach((pending, index) => {
        const outcome = reply.outcomes![index]!;
        if (outcome.ok) pending.resolve(outcome.value);
        else pending.reject(revive(outcome.error));
      });
    }
    this.send();
    if (!this.inFlight && this.queue.length === 0) this.onIdle?.();
  }

  private fail(error: Error): void {
    if (this.failed) return;
    this.failed = error;
    for (const pending of [...(this.inFlight ?? []), ...this.queue]) pending.reject(error);
    this.inFlight = null;
    this.queue = [];
    this.onIdle?.();
  }
}
