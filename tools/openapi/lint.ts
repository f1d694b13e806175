/**
 * `npm run lint:openapi`: writes the document the API serves at /openapi.json to .tmp/openapi.json (see
 * write-document.ts), lints it with Redocly CLI's `recommended` ruleset, prints every problem, and exits
 * non-zero on any, warnings included (Redocly itself exits 0 on warnings).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { servedDocument } from './write-document';

/** The repository: the nearest folder above this (compiled) file that has node_modules/.bin/redocly. */
function repositoryRoot(): string {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'node_modules/.bin/redocly'))) return dir;
  }
  throw new Error('no node_modules/.bin/redocly above this file: run npm install');
}
const ROOT = repositoryRoot();

type Problem = {
  ruleId: string;
  severity: 'error' | 'warn';
  message: string;
  location: { pointer?: string; start?: { line: number; col: number } }[];
};
type Report = { totals: { errors: number; warnings: number; ignored: number }; problems: Problem[] };

async function main(): Promise<number> {
  const out = join(ROOT, '.tmp/openapi.json');
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, await servedDocument());
  const redocly = join(ROOT, 'node_modules/.bin/redocly');
  const linted = spawnSync(redocly, ['lint', '--extends=recommended', '--format=json', '--max-problems=1000', relative(ROOT, out)], {
    cwd: ROOT,
    encoding: 'utf8',
    // No telemetry and no update check: the lint talks to nothing.
    env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
  });
  if (linted.error) throw linted.error;
  const start = linted.stdout.indexOf('{');
  if (start === -1) throw new Error(`redocly lint printed no report (exit ${linted.status}): ${linted.stderr}`);
  const report = JSON.parse(linted.stdout.slice(start)) as Report;
  for (const problem of report.problems) {
    const [where] = problem.location;
    const at = `${relative(ROOT, out)}:${where?.start?.line ?? '?'}:${where?.start?.col ?? '?'}`;
    process.stdout.write(`${problem.severity.padEnd(5)}  ${problem.ruleId}  ${problem.message}\n       at ${where?.pointer ?? '?'} (${at})\n`);
  }
  const count = report.totals.errors + report.totals.warnings;
  process.stdout.write(
    count === 0
      ? `OpenAPI document: no problems (Redocly recommended, ${relative(ROOT, out)})\n`
      : `OpenAPI document: ${count} problems (${report.totals.errors} errors, ${report.totals.warnings} warnings)\n`,
  );
  return count === 0 && linted.status === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`lint:openapi failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
