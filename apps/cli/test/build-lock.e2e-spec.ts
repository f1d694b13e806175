import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { assertBuiltFrom } from '../../../tools/test/fresh-build';

const root = resolve(__dirname, '../../..');
const lock = join(root, '.build.lock');
const cliMain = join(root, 'dist/apps/cli/src/main.js');

/** Runs `npm run cli`'s build step (`scripts/build.js --if-missing`); resolves with its exit code and stderr. */
function buildIfMissing(): { exited: Promise<{ code: number | null; stderr: string }>; stderr: () => string } {
  const child = spawn(process.execPath, [join(root, 'scripts/build.js'), '--if-missing'], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return { exited: new Promise((done) => child.once('exit', (code) => done({ code, stderr }))), stderr: () => stderr };
}

/**
 * The quick start runs `npm start` (which builds) and `npm run cli` (which builds when dist/ is missing)
 * side by side: a build in progress holds `.build.lock`, and the CLI's build step waits for it instead of
 * deleting dist/ under it. Only the `--if-missing` step is run here, on a built tree: it never rebuilds.
 */
describe('the build lock (the quick start never races)', () => {
  beforeAll(() => assertBuiltFrom(cliMain));
  afterEach(() => rmSync(lock, { recursive: true, force: true }));

  it('waits while a live build holds the lock, then uses its dist/ without building again', async () => {
    mkdirSync(lock);
    writeFileSync(join(lock, 'pid'), String(process.pid)); // this process: alive
    const builtAt = statSync(cliMain).mtimeMs;
    const step = buildIfMissing();
    const waiting = new Promise<void>((resolveWaiting) => {
      const poll = setInterval(() => {
        if (step.stderr().includes('waiting for another build')) {
          clearInterval(poll);
          resolveWaiting();
        }
      }, 20);
    });
    await waiting; // it is blocked on the lock
    expect(existsSync(lock)).toBe(true);
    rmSync(lock, { recursive: true, force: true }); // the build ends
    const { code } = await step.exited;
    expect(code).toBe(0);
    expect(statSync(cliMain).mtimeMs).toBe(builtAt);
  });

  it('takes over a lock whose process is gone', async () => {
    mkdirSync(lock);
    writeFileSync(join(lock, 'pid'), '2147483646'); // no such process
    const { code, stderr } = await buildIfMissing().exited;
    expect([code, stderr.includes('waiting')]).toEqual([0, false]);
    expect(existsSync(lock)).toBe(false);
  });
});
