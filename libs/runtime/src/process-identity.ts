import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';

/**
 * Names this process so that others on the same host can tell at once whether it is still running: a
 * claim left by a process that was killed is taken over by the next attempt, without waiting for a lock
 * to expire. The name is `host|pid|start`, where `start` is the process's start time as the kernel
 * counts it (so a new process that reuses the pid, as PID 1 does in a restarted container, is another).
 * A process on another host (or where /proc is missing) cannot be checked: `isGone` answers false and
 * its claims wait for their lock.
 */
export class ProcessIdentity {
  readonly current: string;

  constructor(private readonly host = hostname()) {
    this.current = this.nameOf(process.pid) ?? `${host}|${process.pid}|unknown-${randomUUID()}`;
  }

  /** The name of a running process of this host, or null when there is none (or no /proc to tell). */
  nameOf(pid: number): string | null {
    const start = startOf(pid);
    return start === null ? null : `${this.host}|${pid}|${start}`;
  }

  /** True only when `owner` names a process of this host that is no longer running. */
  isGone(owner: string): boolean {
    const [host, pidText, start, ...rest] = owner.split('|');
    if (rest.length > 0 || host !== this.host || !pidText || !/^\d+$/.test(pidText) || !start || start.startsWith('unknown-')) return false;
    if (owner === this.current) return false;
    // No such process (null), or another one under the same pid.
    return startOf(Number(pidText)) !== start;
  }
}

/** The start time of a process (field 22 of /proc/PID/stat), or null when there is no such process. */
function startOf(pid: number): string | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // The command name (field 2) is in parentheses and may hold spaces: count fields after its last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return fields[19] ?? null;
}

