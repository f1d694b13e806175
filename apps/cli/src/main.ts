import { Command, CommanderError, Option } from 'commander';
import { SingleBar } from 'cli-progress';
import { DomainError } from '@onehazel/domain';
import { createLogger, loadConfig, openRuntime, Runtime } from '@onehazel/runtime';

/** Opens the runtime on the configured stores (the same DATA_DIR or URLs as the server) for one command. */
async function withSession<T>(work: (runtime: Runtime) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel, process.stderr);
  const runtime = await openRuntime(config, logger, { role: 'cli' });
  try {
    return await work(runtime);
  } finally {
    await runtime.close();
  }
}

/** Where `npm start` listens with the same environment (HOST, PORT), for the hints the CLI prints. */
function serverUrl(): string {
  const { host, port } = loadConfig();
  const reachable = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port === 0 ? '<port>' : port}`;
}

const out = (text: string): void => void process.stdout.write(`${text}\n`);
const json = (value: unknown): void => out(JSON.stringify(value));

function program(): Command {
  const cli = new Command('onehazel')
    .description('OneHazel administration: platform partners, their keys, projections')
    .showHelpAfterError()
    .exitOverride();

  const platform = cli.command('platform').description('platform partners');
  platform
    .command('create')
    .description('register a platform partner and print its first key (shown once)')
    .requiredOption('--name <name>', 'the partner’s display name')
    .option('--json', 'print {"id","key"} as one JSON object and nothing else')
    .action(async (options: { name: string; json?: boolean }) => {
      const created = await withSession(({ admin }) => admin.register(options.name));
      if (options.json) return json({ id: created.id, key: created.key });
      out(`Platform registered: ${created.id} (${created.name})`);
      out(`Key id: ${created.keyId}`);
      out(`Key (shown once, store it now): ${created.key}`);
      out(`Try it: curl -H "Authorization: Bearer ${created.key}" ${serverUrl()}/platform-api/operators`);
    });
  platform
    .command('list')
    .description('list platform partners and their keys (masked)')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const platforms = await withSession(({ admin }) => admin.list());
      const rows = platforms.map((p) => ({
        id: p.id,
        name: p.name,
        registeredAt: p.registeredAt,
        keys: Object.entries(p.keys).map(([keyId, k]) => ({ keyId, masked: `oh_platform_…${k.lastFour}`, revoked: k.revoked })),
      }));
      if (options.json) return json(rows);
      if (rows.length === 0) return out('No platforms yet: npm run cli -- platform create --name NAME');
      for (const row of rows) {
        out(`${row.id}  ${row.name}  (registered ${row.registeredAt})`);
        for (const key of row.keys) out(`    ${key.keyId}  ${key.masked}${key.revoked ? '  revoked' : ''}`);
      }
    });

  const keys = platform.command('keys').description('a platform partner’s keys');
  keys
    .command('create')
    .description('issue another key for a platform (shown once)')
    .requiredOption('--platform <id>', 'platform id (plt_...)')
    .option('--json', 'print {"id","keyId","key"} as one JSON object')
    .action(async (options: { platform: string; json?: boolean }) => {
      const issued = await withSession(({ admin }) => admin.issueKey(options.platform));
      if (options.json) return json(issued);
      out(`Key id: ${issued.keyId}`);
      out(`Key (shown once, store it now): ${issued.key}`);
    });
  keys
    .command('revoke')
    .description('revoke a platform key; it is refused from the next request on')
    .requiredOption('--platform <id>', 'platform id (plt_...)')
    .requiredOption('--key <keyId>', 'key id (pk_...)')
    .option('--json', 'print {"revoked": keyId}')
    .action(async (options: { platform: string; key: string; json?: boolean }) => {
      await withSession(({ admin }) => admin.revokeKey(options.platform, options.key));
      if (options.json) return json({ revoked: options.key });
      out(`Key ${options.key} revoked`);
    });

  const keys2 = cli.command('keys').description('the data keys that encrypt personal data');
  keys2
    .command('rewrap')
    .description('re-wrap every data key under the current MASTER_KEY (after a rotation: old key in MASTER_KEYS_PREVIOUS)')
    .action(async () => {
      const count = await withSession(({ keyring }) => keyring.rewrapAll((done) => process.stderr.write(`\rre-wrapped ${done} keys`)));
      process.stderr.write('\n');
      out(`Re-wrapped ${count} data keys under the current master key; the previous master keys can now be retired`);
    });

  const projections = cli.command('projections').description('read models');
  projections
    .command('rebuild')
    .description('clear the read models and project the whole log again (shows progress); stop the server first, or its answers are incomplete until the replay ends')
    .addOption(new Option('--quiet', 'no progress bar'))
    .action(async (options: { quiet?: boolean }) => {
      await withSession(async ({ stores, projector }) => {
        const head = await stores.events.headPosition();
        const total = head === null ? 0 : Number(head.commit);
        const bar = new SingleBar({ format: 'rebuilding [{bar}] {percentage}% | position {value}/{total}', stream: process.stderr });
        if (!options.quiet) bar.start(total, 0);
        await projector.rebuild((position) => bar.update(Math.min(Number(position.commit), total)));
        if (!options.quiet) {
          bar.update(total);
          bar.stop();
        }
      });
      out('Read models rebuilt from the log');
    });
  return cli;
}

program()
  .parseAsync(process.argv)
  .catch((error: unknown) => {
    if (error instanceof CommanderError) process.exit(error.exitCode);
    const message = error instanceof DomainError ? `${error.code}: ${error.message}` : error instanceof Error ? error.message : String(error);
    process.stderr.write(`error: ${message}\n`);
    process.exit(1);
  });
