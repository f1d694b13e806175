import { ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { createInterface } from 'node:readline';

/**
 * The servers under test run as child processes, one at a time, so that each one's memory can be read
 * from /proc and nothing of the bench (the load generator, the seeding) lives in their heap.
 */

const live = new Set<ChildProcess>();

/** Kills every child still running (on exit, on a signal, on failure). Synchronous, so usable in 'exit'. */
export function killAllChildren(): void {
  for (const child of live) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  live.clear();
}

export type MemoryWindow = Readonly<{
  /** Highest VmRSS seen while sampling (every ~200 ms) since the window opened, MiB. */
  peakRssMiB: number;
  /** VmHWM at the window's end: the process's peak resident set since it started, MiB. */
  hwmMiB: number;
}>;

export type Child = Readonly<{
  name: string;
  pid: number;
  url: string;
  /** From spawn to the port accepting connections (the process listening), ms. */
  startupMs: number;
  /** Starts a memory window; the returned function closes it and gives its figures. */
  watchMemory(): () => MemoryWindow;
  stop(): Promise<void>;
}>;

const SAMPLE_EVERY_MS = 200;
const STOP_GRACE_MS = 15_000;

function memoryKb(pid: number): { rss: number; hwm: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const field = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
    return { rss: field('VmRSS'), hwm: field('VmHWM') };
  } catch {
    return null; // the process is gone
  }
}

/** The TCP port the process listens on, from /proc (its socket inodes matched in the LISTEN table). */
function listeningPort(pid: number): number | null {
  try {
    const inodes = new Set<string>();
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      try {
        const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (match) inodes.add(match[1]!);
      } catch {
        // the descriptor closed meanwhile
      }
    }
    if (inodes.size === 0) return null;
    for (const table of ['tcp', 'tcp6']) {
      for (const line of readFileSync(`/proc/${pid}/net/${table}`, 'utf8').split('\n').slice(1)) {
        const fields = line.trim().split(/\s+/);
        if (fields[3] === '0A' && inodes.has(fields[9] ?? '')) return parseInt(fields[1]!.split(':').pop()!, 16);
      }
    }
  } catch {
    // not started yet, or gone
  }
  return null;
}

/** A port announced on stdout or stderr: `{"port": N}` (peer, ceiling) or a URL (the product at info level). */
function announcedPort(line: string): number | null {
  const json = /"port"\s*:\s*(\d+)/.exec(line);
  if (json) return Number(json[1]);
  const url = /https?:\/\/(?:127\.0\.0\.1|localhost|\[::1\]):(\d+)/.exec(line);
  return url ? Number(url[1]) : null;
}

/**
 * Spawns `node <nodeFlags> <script>` with `env` added to a minimal environment and resolves once it listens. The
 * port is taken from what the process prints or, if it prints nothing (the product at LOG_LEVEL=warn),
 * from /proc; the first to answer wins. Output is otherwise discarded (a short tail is kept for errors).
 */
export function startChild(name: string, script: string, env: Record<string, string>, nodeFlags: readonly string[] = [], timeoutMs = 120_000): Promise<Child> {
  const started = performance.now();
  const child = spawn(process.execPath, [...nodeFlags, script], {
    // A small environment, the same for every server: nothing of the caller's configuration leaks in.
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', TMPDIR: process.env.TMPDIR ?? '/tmp', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  const tail: string[] = [];
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.once('exit', () => live.delete(child));

  return new Promise<Child>((resolve, reject) => {
    let settled = false;
    const finish = (port: number | null, error?: Error): void => {
      if (settled) return;
      settled = true;
      clearInterval(poll);
      clearTimeout(timer);
      if (error || port === null) {
        child.kill('SIGKILL');
        reject(error ?? new Error(`${name}: no port`));
        return;
      }
      resolve(handle(name, child, port, performance.now() - started, exited));
    };
    for (const stream of [child.stdout!, child.stderr!]) {
      createInterface({ input: stream }).on('line', (line) => {
        tail.push(line);
        if (tail.length > 20) tail.shift();
        if (!settled) {
          const port = announcedPort(line);
          if (port) finish(port);
        }
      });
    }
    const poll = setInterval(() => {
      const port = child.pid === undefined ? null : listeningPort(child.pid);
      if (port) finish(port);
    }, 10);
    const timer = setTimeout(() => finish(null, new Error(`${name} did not listen within ${timeoutMs} ms:\n${tail.join('\n')}`)), timeoutMs);
    child.once('exit', (code, signal) => finish(null, new Error(`${name} exited (${code ?? signal}) before listening:\n${tail.join('\n')}`)));
    child.once('error', (error) => finish(null, error));
  });
}

function handle(name: string, child: ChildProcess, port: number, startupMs: number, exited: Promise<void>): Child {
  const pid = child.pid!;
  let peakRss = 0;
  let hwm = 0;
  const sample = (): void => {
    const memory = memoryKb(pid);
    if (!memory) return;
    peakRss = Math.max(peakRss, memory.rss);
    hwm = memory.hwm;
  };
  const sampler = setInterval(sample, SAMPLE_EVERY_MS);
  const mib = (kb: number): number => Math.round((kb / 1024) * 10) / 10;
  return {
    name,
    pid,
    url: `http://127.0.0.1:${port}`,
    startupMs,
    watchMemory() {
      peakRss = 0;
      sample();
      return () => {
        sample();
        return { peakRssMiB: mib(peakRss), hwmMiB: mib(hwm) };
      };
    },
    async stop() {
      clearInterval(sampler);
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}
