#!/usr/bin/env node
/**
 * `npm run build`, one at a time: `npm start` and `npm run cli` (which builds when dist/ is missing) may
 * run at once in two terminals, as the README's quick start does, and two builds must not delete dist/
 * under each other. The build holds a lock (a directory, made atomically) while it runs; another build
 * waits for it. A lock whose process is gone is taken over.
 *
 *   node scripts/build.js              rebuild dist/
 *   node scripts/build.js --if-missing build only when dist/ has no CLI yet (after any running build)
 */
const { execFileSync } = require('node:child_process');
const { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const lock = join(root, '.build.lock');
const owner = join(lock, 'pid');
const cli = join(root, 'dist/apps/cli/src/main.js');
const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

function acquire() {
  let said = false;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(owner, String(process.pid));
      return;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
    }
    let holder = NaN;
    try {
      holder = Number(readFileSync(owner, 'utf8'));
    } catch {
      // Made but not yet written: its owner is about to write it.
    }
    if (Number.isInteger(holder) && holder > 0 && !alive(holder)) {
      rmSync(lock, { recursive: true, force: true });
      continue;
    }
    if (!said) process.stderr.write('waiting for another build of dist/ to finish...\n');
    said = true;
    sleep(200);
  }
}

function release() {
  rmSync(lock, { recursive: true, force: true });
}

const ifMissing = process.argv.includes('--if-missing');
if (ifMissing && existsSync(cli) && !existsSync(lock)) process.exit(0);
acquire();
try {
  if (!(ifMissing && existsSync(cli))) {
    rmSync(join(root, 'dist'), { recursive: true, force: true });
    const bin = (name) => join(root, 'node_modules', '.bin', name);
    execFileSync(bin('tsc'), ['-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
    execFileSync(bin('tsc-alias'), ['-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  }
} catch {
  process.exitCode = 1;
} finally {
  release();
}
