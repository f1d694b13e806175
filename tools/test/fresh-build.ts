import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');

/** The newest source file under a folder (specs and test folders excluded: they are not built). */
function newestSource(dir: string): { file: string; mtimeMs: number } | null {
  let newest: { file: string; mtimeMs: number } | null = null;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts') || /\.(e2e-)?spec\.ts$/.test(entry.name)) continue;
    const file = join(entry.parentPath, entry.name);
    if (file.includes(join('/', 'test', '/'))) continue;
    const { mtimeMs } = statSync(file);
    if (!newest || mtimeMs > newest.mtimeMs) newest = { file, mtimeMs };
  }
  return newest;
}

const checked = new Set<string>();

/**
 * For tests that spawn built processes: refuses a build (`builtFile`, one of the files `npm run build`
 * wrote) that is missing or older than any source of apps/ or libs/, which would test stale code.
 * `npm test` builds before Jest runs.
 */
export function assertBuiltFrom(builtFile: string): void {
  if (checked.has(builtFile)) return;
  if (!existsSync(builtFile)) throw new Error(`${builtFile.slice(ROOT.length + 1)} is missing: run \`npm run build\` first (npm test does)`);
  const builtAt = statSync(builtFile).mtimeMs;
  for (const dir of ['apps', 'libs']) {
    const newest = newestSource(join(ROOT, dir));
    if (newest && newest.mtimeMs > builtAt) {
      throw new Error(`dist/ is older than ${newest.file.slice(ROOT.length + 1)}: run \`npm run build\` first (npm test does)`);
    }
  }
  checked.add(builtFile);
}
