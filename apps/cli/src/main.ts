import { Command, CommanderError, Option } from 'commander';
import { SingleBar } from 'cli-progress';
import { AuditReplay, historyPage, SubjectHistory } from '@onehazel/audit';
import { DomainError } from '@onehazel/domain';
import { allProjections, ApiKeyView, Collections, OperatorTokenView, projectionStatus, rebuildInShadow, selectProjections } from '@onehazel/projections';
import { createLogger, loadConfig, openRuntime, ProcessIdentity, Runtime } from '@onehazel/runtime';

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
const err = (text: string): void => void process.stderr.write(`${text}\n`);
const json = (value: unknown): void => out(JSON.stringify(value));

function program(): Command {
  const cli = new Command('onehazel')
    .description('OneHazel administration: platform partners, their keys, audit replays, projections')
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

  const audit = cli
    .command('audit')
    .description('replay the history of an operator, a key or an operator token from the log; --as-of shows its state at an instant');
  const auditOptions = (command: Command) =>
    command
      .option('--as-of <time>', 'also show the state at this instant (ISO 8601), folded from the log up to it')
      .option('--from <time>', 'only the events at or after this instant')
      .option('--to <time>', 'only the events at or before this instant')
      .option('--json', 'one JSON object per line: each entry, then {"asOf": ...} with --as-of');
  auditOptions(audit.command('operator').description("an operator's events and its keys'").argument('<operatorId>', 'op_...')).action(
    async (operatorId: string, options: AuditOptions) => {
      await withSession(async ({ stores }) => printAudit(await new AuditReplay(stores.events).operator(operatorId), options, `operator ${operatorId}`));
    },
  );
  auditOptions(
    audit
      .command('key')
      .description("an API key's events (a child key's too), and at --as-of whether it could authenticate")
      .argument('<keyId>', 'the key id (a UUID)')
      .option('--operator <operatorId>', "the key's operator (looked up when the key is still listed)"),
  ).action(async (keyId: string, options: AuditOptions & { operator?: string }) => {
    await withSession(async ({ stores }) => {
      const operatorId = options.operator ?? ((await stores.read.get(Collections.apiKeys, keyId)) as ApiKeyView | null)?.operatorId;
      if (!operatorId) throw new Error(`no key ${keyId} is listed: name its operator with --operator`);
      printAudit(await new AuditReplay(stores.events).key(operatorId, keyId), options, `key ${keyId}`);
    });
  });
  auditOptions(
    audit.command('token').description("an operator token's events and its child keys', and at --as-of which children were live").argument('<tokenId>', 'the token id (a UUID)'),
  ).action(async (tokenId: string, options: AuditOptions) => {
    await withSession(async ({ stores }) => {
      const token = (await stores.read.get(Collections.operatorTokens, tokenId)) as OperatorTokenView | null;
      if (!token) throw new Error(`no operator token ${tokenId}`);
      printAudit(await new AuditReplay(stores.events).token(token.operatorId, tokenId), options, `operator token ${tokenId}`);
    });
  });

  const projections = cli.command('projections').description('read models');
  projections
    .command('list')
    .description('each projection: its checkpoint, its lag behind the log (events and seconds), and whether it is live, behind, rebuilding or unbuilt')
    .option('--json', 'one JSON object per projection, a line each')
    .action(async (options: { json?: boolean }) => {
      const rows = await withSession(({ stores, projector }) => projectionStatus(projector, stores.events, stores.read, { countUpTo: LAG_COUNT_LIMIT, timeoutMs: 60_000 }));
      if (options.json) {
        for (const { projection, checkpoint, lagEvents, lagSeconds, state, rebuildLagPositions } of rows) {
          json({ name: projection, checkpoint, lagEvents, lagSeconds, state, ...(rebuildLagPositions === null ? {} : { rebuildLagPositions }) });
        }
        return;
      }
      out(`${'projection'.padEnd(20)} ${'checkpoint'.padEnd(24)} ${'lag (events)'.padStart(12)} ${'lag (s)'.padStart(9)}  state`);
      for (const row of rows) {
        const rebuild = row.rebuildLagPositions === null ? '' : ` (shadow ${row.rebuildLagPositions.toLocaleString('en-US')} behind the log)`;
        const lag = row.lagEvents === null ? '-' : `${row.lagEvents >= LAG_COUNT_LIMIT ? '>=' : ''}${row.lagEvents}`;
        out(`${row.projection.padEnd(20)} ${(row.checkpoint ?? 'none').padEnd(24)} ${lag.padStart(12)} ${row.lagSeconds.toFixed(1).padStart(9)}  ${row.state}${rebuild}`);
      }
    });
  projections
    .command('rebuild')
    .description(
      'replay the log into shadow read models while the server serves, then swap each in at once and go on from there (shows progress); ' +
        'name the projections to rebuild, or --all',
    )
    .argument('[names...]', `projections to rebuild: ${allProjections.map((projection) => projection.name).join(', ')}`)
    .option('--all', 'rebuild every projection')
    .addOption(new Option('--quiet', 'no progress bar'))
    .action(async (names: string[], options: { all?: boolean; quiet?: boolean }) => {
      if (Boolean(options.all) === names.length > 0) throw new Error('name the projections to rebuild, or give --all (npm run cli -- projections list names them)');
      // Those named, with those they read or that read them (rebuilt together; see Projection.reads).
      const only = options.all ? undefined : selectProjections(allProjections, names).map((projection) => projection.name);
      const wentLive: string[] = [];
      const interrupted = new AbortController();
      const interrupt = (): void => interrupted.abort();
      process.once('SIGINT', interrupt);
      process.once('SIGTERM', interrupt);
      try {
        await withSession(async ({ stores, logger }) => {
          const head = await stores.events.headPosition();
          const total = head === null ? 0 : Number(head.commit);
          const progress = options.quiet ? null : rebuildProgress(total);
          await rebuildInShadow({
            events: stores.events,
            read: stores.read,
            requests: stores.requests,
            owner: new ProcessIdentity().current,
            projections: allProjections,
            only,
            signal: interrupted.signal,
            onHold: (held) => {
              if (!progress?.done(total)) return;
              err(`caught up; holding ${held.join(', ')} while the last writes are caught up and the rebuilt read models swapped in`);
            },
            onLive: (projection, heldMs) => {
              wentLive.push(projection);
              if (progress) err(`live: ${projection} (held ${heldMs} ms)`);
            },
            logger: logger.child({ component: 'rebuild' }),
            onProgress: (position) => progress?.update(Math.min(Number(position.commit), total)),
          });
          progress?.done(total);
        });
      } catch (error) {
        if (interrupted.signal.aborted) {
          const live = wentLive.length === 0 ? '' : ` (already rebuilt and live: ${wentLive.join(', ')})`;
          throw new Error(`interrupted: the read models not yet swapped in are as they were, and serving${live}; run it again to start afresh`);
        }
        throw error;
      } finally {
        process.off('SIGINT', interrupt);
        process.off('SIGTERM', interrupt);
      }
      out(`Rebuilt from the log and live: ${(only ?? allProjections.map((projection) => projection.name)).join(', ')}`);
    });
  return cli;
}

/** How often the plain progress lines are written when stderr is not a terminal. */
const PLAIN_PROGRESS_INTERVAL_MS = 2_000;

/**
 * A rebuild's progress on stderr: a bar with the rate and the time left on a terminal (cli-progress); plain
 * lines every few seconds otherwise (logs, CI), and a last line with the whole run's figures either way.
 * Positions count events on the embedded log; on EventStoreDB they are bytes of the log, shown as such.
 */
function rebuildProgress(total: number): { update(done: number): void; done(done: number): boolean } {
  let finished = false;
  const shown = plainOrBar(total);
  return {
    update: (done) => {
      if (!finished) shown.update(done);
    },
    /** The last line, once: true the first time. */
    done: (done) => {
      if (finished) return false;
      finished = true;
      shown.done(done);
      return true;
    },
  };
}

function plainOrBar(total: number): { update(done: number): void; done(done: number): void } {
  const started = Date.now();
  const rate = (done: number) => done / Math.max(0.001, (Date.now() - started) / 1000);
  const figures = (done: number) => {
    const perSecond = rate(done);
    const left = perSecond > 0 ? Math.ceil((total - done) / perSecond) : 0;
    return `${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')} (${total === 0 ? 100 : Math.floor((done / total) * 100)}%), ${Math.round(perSecond).toLocaleString('en-US')}/s, ETA ${left} s`;
  };
  if (process.stderr.isTTY) {
    const bar = new SingleBar({ format: 'rebuilding [{bar}] {percentage}% | {value}/{total} | {rate}/s | ETA {eta}s', stream: process.stderr });
    bar.start(total, 0, { rate: 0 });
    return {
      update: (done) => bar.update(done, { rate: Math.round(rate(done)) }),
      done: (done) => {
        bar.update(done, { rate: Math.round(rate(done)) });
        bar.stop();
        process.stderr.write(`rebuilt: ${figures(done)}\n`);
      },
    };
  }
  let lastLine = started;
  process.stderr.write(`rebuilding: 0/${total.toLocaleString('en-US')}\n`);
  return {
    update: (done) => {
      if (Date.now() - lastLine < PLAIN_PROGRESS_INTERVAL_MS) return;
      lastLine = Date.now();
      process.stderr.write(`rebuilding: ${figures(done)}\n`);
    },
    done: (done) => void process.stderr.write(`rebuilt: ${figures(done)} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`),
  };
}

/** `projections list` counts the events behind up to this many (then says at least this many). */
const LAG_COUNT_LIMIT = 1_000_000;

type AuditOptions = { asOf?: string; from?: string; to?: string; json?: boolean };

/** An instant a person typed, as ISO 8601; an error naming the option when it is not one. */
function instant(option: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const parsed = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(parsed)) throw new Error(`${option} must be an ISO 8601 instant, e.g. 2026-03-03T12:00:00Z (got "${value}")`);
  return new Date(parsed).toISOString();
}

/** A readable timeline (or JSON lines), and the state at --as-of. */
function printAudit(subject: SubjectHistory | null, options: AuditOptions, what: string): void {
  if (!subject || subject.events.length === 0) throw new Error(`no history of ${what} in the log`);
  const window = { from: instant('--from', options.from), to: instant('--to', options.to), asOf: instant('--as-of', options.asOf) };
  const { items, asOf } = historyPage(subject.events, window, { limit: Number.MAX_SAFE_INTEGER, cursor: undefined }, subject.stateAt);
  if (options.json) {
    for (const entry of items) json(entry);
    if (asOf) json({ asOf });
    return;
  }
  out(`History of ${what}: ${items.length} event${items.length === 1 ? '' : 's'}`);
  for (const entry of items) {
    const actor = `${entry.actor.kind} ${entry.actor.id}${entry.actor.keyId ? ` (key ${entry.actor.keyId})` : ''}`;
    out(`  ${entry.at}  ${entry.type.padEnd(22)} ${entry.summary}  [by ${actor}, request ${entry.requestId}]`);
  }
  if (!asOf) return;
  out(asOf.state === null ? `As of ${asOf.at}: it did not exist yet` : `As of ${asOf.at}:`);
  for (const [name, value] of Object.entries(asOf.state ?? {})) out(`  ${name}: ${typeof value === 'object' ? JSON.stringify(value) : String(value)}`);
  if (asOf.event) out(`  (since ${asOf.event.type} at ${asOf.event.at})`);
}

program()
  .parseAsync(process.argv)
  .catch((error: unknown) => {
    if (error instanceof CommanderError) process.exit(error.exitCode);
    const message = error instanceof DomainError ? `${error.code}: ${error.message}` : error instanceof Error ? error.message : String(error);
    process.stderr.write(`error: ${message}\n`);
    process.exit(1);
  });
