import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import type { EventStore } from '@onehazel/event-store';
import { createLogger, loadConfig, PlatformAdmin } from '@onehazel/runtime';
import { assertBuiltFrom } from '../../../tools/test/fresh-build';
import { App, AppOptions, createApp } from '../src/app';

export type TestApp = Readonly<{
  url: string;
  dataDir: string;
  app: App;
  /** Every log line the app wrote, for tests that check what logs must not hold. */
  logs: string[];
  /** Registers a platform partner as the CLI does and returns its id and key. */
  registerPlatform(name?: string): Promise<{ id: string; key: string; keyId: string }>;
  admin: PlatformAdmin;
  close(): Promise<void>;
}>;

/** A fresh API on a temporary data directory, listening on an ephemeral loopback port. */
export async function startTestApp(env: Record<string, string> = {}, dataDir?: string, options: AppOptions = {}): Promise<TestApp> {
  const dir = dataDir ?? mkdtempSync(join(tmpdir(), 'oh-e2e-'));
  const config = loadConfig({ DATA_DIR: dir, HOST: '127.0.0.1', PORT: '0', SQLITE_POLL_INTERVAL_MS: '10', ...env });
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  const app = await createApp(config, createLogger('debug', process.env.E2E_LOGS === 'stdout' ? process.stdout : sink), options);
  await app.app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.app.getHttpServer().address();
  if (typeof address !== 'object' || !address) throw new Error('no address');
  const admin = app.runtime.admin;
  return {
    url: `http://127.0.0.1:${address.port}`,
    dataDir: dir,
    app,
    logs,
    admin,
    registerPlatform: async (name = 'Test Platform') => {
      const created = await admin.register(name);
      return { id: created.id, key: created.key, keyId: created.keyId };
    },
    close: async () => {
      await app.close();
      if (!dataDir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The built API (`npm start` without the build): `npm test` builds before Jest runs. */
export const apiMain = resolve(__dirname, '../../../dist/apps/api/src/main.js');

export type Server = {
  url: string;
  process: ChildProcess;
  /** Resolves with the exit code (null when a signal ended it). */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
};

/**
 * Tests that spawn the built processes run what `npm run build` made: refuse a build older than the
 * sources, which would test stale code (`npm test` builds before Jest runs).
 */
export const assertFreshBuild = (): void => assertBuiltFrom(apiMain);

/** Starts the built API (`npm start` without the build) on an ephemeral loopback port. */
export function startServer(dataDir: string, env: Record<string, string> = {}): Promise<Server> {
  assertFreshBuild();
  const child = spawn(process.execPath, [apiMain], {
    env: { ...process.env, DATA_DIR: dataDir, HOST: '127.0.0.1', PORT: '0', CI: 'true', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stderr: string[] = [];
  child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
  return new Promise((resolveServer, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${stderr.join('')}`)), 20_000);
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${stderr.join('')}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const entry = JSON.parse(line) as { msg?: string; url?: string };
      if (entry.msg !== 'OneHazel API listening' || !entry.url) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      resolveServer({
        url: entry.url,
        process: child,
        stop: (signal = 'SIGTERM') =>
          new Promise((done) => {
            if (child.exitCode !== null || child.signalCode !== null) return done(child.exitCode);
            child.once('exit', (code) => done(code));
            child.kill(signal);
          }),
      });
    });
  });
}

export type Reply = { status: number; headers: Headers; body: any };

/** One HTTP request to the test app; the body is parsed as JSON when there is one. */
export async function call(
  base: string,
  method: string,
  path: string,
  options: { key?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
): Promise<Reply> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.key !== undefined) headers.authorization = `Bearer ${options.key}`;
  let body: string | undefined;
  if (options.rawBody !== undefined) body = options.rawBody;
  else if (options.body !== undefined) body = JSON.stringify(options.body);
  if (body !== undefined && !headers['content-type']) headers['content-type'] = 'application/json';
  const response = await fetch(base + path, { method, headers, body });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : null };
}

export const operatorInput = (overrides: Record<string, unknown> = {}) => ({
  name: 'Lucky Spin Casino',
  plan: 'professional',
  contactEmail: 'admin@luckyspin.com',
  industry: 'igaming',
  ...overrides,
});

/** A platform's operator with one key, made through the API: what most operator tests start from. */
export async function operatorWithKey(
  t: TestApp,
  platformKey?: string,
): Promise<{ platformKey: string; operatorId: string; key: string; keyId: string }> {
  const platform = platformKey ?? (await t.registerPlatform()).key;
  const created = await call(t.url, 'POST', '/platform-api/operators', { key: platform, body: operatorInput() });
  if (created.status !== 201) throw new Error(`operator not created: ${JSON.stringify(created.body)}`);
  const issued = await call(t.url, 'POST', `/platform-api/operators/${created.body.data.id}/api-keys`, {
    key: platform,
    body: { label: 'First key' },
  });
  if (issued.status !== 201) throw new Error(`key not issued: ${JSON.stringify(issued.body)}`);
  return { platformKey: platform, operatorId: created.body.data.id, key: issued.body.data.key, keyId: issued.body.data.id };
}

/** An operator with a key and the built-in igaming template: where operator-data tests start. */
export async function igamingOperator(t: TestApp, platformKey?: string) {
  const operator = await operatorWithKey(t, platformKey);
  const configured = await call(t.url, 'PUT', '/operator-data-api/settings', { key: operator.key, body: { template: 'igaming' } });
  if (configured.status !== 200) throw new Error(`template not configured: ${JSON.stringify(configured.body)}`);
  return operator;
}

export { barrierOnReads } from '../../../tools/test/barrier-on-reads';

/** Polls until `done()` holds (every 10 ms), or throws naming `what` after `ms`. */
export async function waitFor(done: () => boolean, what: string, ms = 20_000): Promise<void> {
  for (const deadline = Date.now() + ms; !done(); ) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolveWait) => setTimeout(resolveWait, 10));
  }
}

/** Holds every append until released: `entered` resolves once the first one is waiting. */
export function gateAppends(events: EventStore): { entered: Promise<void>; release(): void } {
  const append = events.append.bind(events);
  let enter!: () => void;
  let open!: () => void;
  const entered = new Promise<void>((resolve) => (enter = resolve));
  const gate = new Promise<void>((resolve) => (open = resolve));
  events.append = async (...args) => {
    enter();
    await gate;
    return append(...args);
  };
  return {
    entered,
    release: () => {
      events.append = append;
      open();
    },
  };
}
