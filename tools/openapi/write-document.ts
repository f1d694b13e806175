/**
 * Writes the OpenAPI document exactly as the API serves it at /openapi.json, for `npm run lint:openapi`:
 * the app is built in-process on a temporary data directory (nothing listens: the document is asked
 * for through Fastify's inject), then closed.
 *
 *   node dist/tools/openapi/write-document.js [out]   (default .tmp/openapi.json)
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, resolve } from 'node:path';
import { createLogger, loadConfig } from '@onehazel/runtime';
import { createApp } from '../../apps/api/src/app';

export async function servedDocument(): Promise<string> {
  const dataDir = mkdtempSync(resolve(tmpdir(), 'oh-openapi-'));
  try {
    // Only these settings: whatever backends the shell points at, the document is built on local stores.
    const config = loadConfig({ DATA_DIR: dataDir, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'silent' });
    const app = await createApp(config, createLogger('silent'));
    try {
      const reply = await app.app.getHttpAdapter().getInstance().inject({ method: 'GET', url: '/openapi.json' });
      if (reply.statusCode !== 200) throw new Error(`GET /openapi.json answered ${reply.statusCode}`);
      return `${JSON.stringify(JSON.parse(reply.body), null, 2)}\n`;
    } finally {
      await app.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const out = resolve(process.argv[2] ?? '.tmp/openapi.json');
  const document = await servedDocument();
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, document);
  process.stderr.write(`OpenAPI document written to ${out}\n`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`could not write the OpenAPI document: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}
