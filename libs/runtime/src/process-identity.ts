import { existsSync, readFileSync, readlinkSync } from 'node:fs';
import { randomUUID } from 'node:crypto';

/**
 * Names this process so that others on the same machine can tell at once whether it is still running: a
 * claim left by a process that was killed is taken over by the next attempt, without waiting for a lock
 * to expire. The name is `machine|pid|start`:
 * - `machine` is the kernel's boot id and this process's PID namespace, not the hostname: containers that
 *   share a hostname (host networking, an explicit `hostname:`) but not a PID namespace cannot see each
 *   other's processes, so each must take the other's for unknown, never for gone;
 * - `start` is the process's start time as the kernel counts it, so a new process that reuses the pid (as
 *   PID 1 does in a restarted container) is another one.
 * A process of another machine or namespace, or where /proc cannot tell (no /proc, no permission), cannot
 * be checked: `isGone` answers false and its claims wait for their lock.
 */
export class ProcessIdentity {
  readonly current: string;

  constructor(private readonly machine = thisMachine()) {
    this.current = this.nameOf(process.pid) ?? `${machine}|${process.pid}|unknown-${randomUUID()}`;
  }

  /** The name of a running process of this machine and namespace, or null when /proc does not show it. */
  nameOf(pid: number): string | null {
    const start = startOf(pid);
    return typeof start === 'string' ? `${this.machine}|${pid}|${start}` : null;
  }

  /** True only when `owner` names a process of this machine and namespace that is no longer running. */
  isGone(owner: string): boolean {
    const [machine, pidText, start, ...rest] = owner.split('|');
    if (rest.length > 0 || machine !== this.machine || machine.startsWith('unknown-')) return false;
    if (!pidText || !/^\d+$/.test(pidText) || !start || start.startsWith('unknown-') || owner === this.current) return false;
    const running = startOf(Number(pidText));
    // No such process, or another one under the same pid; when /proc cannot tell, it is not gone.
    return running === 'missing' || (typeof running === 'string' && running !== start);
  }
}

/** The boot id and the PID namespace of this process; a unique unknown name where /proc has neither. */
function thisMachine(): string {
  try {
    const boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    const namespace = readlinkSync('/proc/self/ns/pid').replace(/\D/g, '');
    return `${boot}:${namespace}`;
  } catch {
    return `unknown-${randomUUID()}`;
  }
}

/**
 * The start time of a process (field 22 of /proc/PID/stat); 'missing' when there is no such process,
 * null when /proc cannot tell (not Linux, no permission).
 */
function startOf(pid: number): string | 'missing' | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' && existsSync('/proc/self/stat') ? 'missing' : null;
  }
  // The command name (field 2) is in parentheses and may hold spaces: count fields after its last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return fields[19] ?? null;
}
