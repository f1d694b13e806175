import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { ProcessIdentity } from './process-identity';

describe('ProcessIdentity: whether the process that left a claim is gone', () => {
  const identity = new ProcessIdentity('host-a');

  it('knows a running process of this host from one that has ended', async () => {
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    const name = identity.nameOf(child.pid!)!;
    expect(name).toMatch(/^host-a\|\d+\|\d+$/);
    expect(identity.isGone(name)).toBe(false);
    child.kill('SIGKILL');
    await once(child, 'exit');
    expect(identity.isGone(name)).toBe(true);
  });

  it('takes a new process under the same pid (a restarted container\'s PID 1) for another one', () => {
    const [host, pid, start] = identity.current.split('|');
    expect(identity.isGone(identity.current)).toBe(false);
    expect(identity.isGone(`${host}|${pid}|${Number(start) - 1}`)).toBe(true);
  });

  it('cannot tell for another host or a name it does not understand, so it says not gone', () => {
    const [, pid, start] = identity.current.split('|');
    expect(identity.isGone(`host-b|${pid}|${Number(start) - 1}`)).toBe(false);
    for (const name of ['', 'host-a', 'host-a|x|1', 'host-a|1|unknown-1', 'host-a|1|2|3']) expect(identity.isGone(name)).toBe(false);
  });
});
