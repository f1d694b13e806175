import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Actor, CommandContext, IGAMING_TEMPLATE, KeyManager, OperatorProfile, Template } from '@onehazel/domain';
import { InMemoryEventStore, RecordedEvent } from '@onehazel/event-store';
import { InMemoryKeyStore, WrappedDataKey } from '@onehazel/key-store';
import { InMemoryReadStore, KeysetPage } from '@onehazel/read-store';
import { InMemoryRequestStore } from '@onehazel/request-store';
import { createLogger, loadConfig, openRuntime, Runtime, Stores } from '@onehazel/runtime';
import { EntityValidator } from '../entities/entity-validator';
import { UpsertEntityCommand, UpsertedEntity } from '../entities/commands/upsert-entity/upsert-entity.command';
import { UpsertEntityHandler } from '../entities/commands/upsert-entity/upsert-entity.handler';
import { IssueKeyCommand, IssuedKey } from '../keys/commands/issue-key/issue-key.command';
import { IssueKeyHandler } from '../keys/commands/issue-key/issue-key.handler';
import { CreateOperatorCommand } from '../operators/commands/create-operator/create-operator.command';
import { CreateOperatorHandler } from '../operators/commands/create-operator/create-operator.handler';
import { locateEntity } from '../entities/entity-stream';
import { PersonalDataCipher } from '../personal-data/personal-data.cipher';
import { ConfigureTemplateCommand } from '../settings/commands/configure-template/configure-template.command';
import { ConfigureTemplateHandler } from '../settings/commands/configure-template/configure-template.handler';

/**
 * For handler specs: the product's composition root (openRuntime, role 'api', the projector embedded)
 * on the four in-memory adapters, so that a handler runs exactly as in the API, without Nest, HTTP or
 * any file. Handlers are built by hand from it: `new CreateOperatorHandler(rt.commands, rt.cipher)`,
 * `new GetEntityHandler(rt.stores.read, rt.cipher)`,
 * `new UpsertEntityHandler(rt.commands, rt.validator, rt.cipher)`...
 */
export type HandlerRuntime = Runtime &
  Readonly<{
    /** The one PersonalDataCipher, as PersonalDataModule provides it. */
    cipher: PersonalDataCipher;
    /** The one EntityValidator, as EntitiesModule provides it (it compiles a schema per entity type once). */
    validator: EntityValidator;
    /** DATA_DIR as configured: never created (close() fails if anything made it). */
    dataDir: string;
  }>;

/** Shared by the runtimes of a spec file, as the API shares one: Ajv compiles each entity type's schema once. */
const validator = new EntityValidator();

/** The four in-memory adapters as the runtime's Stores. */
export function inMemoryStores(): Stores {
  const events = new InMemoryEventStore();
  const read = new InMemoryReadStore();
  const keys = new InMemoryKeyStore();
  const requests = new InMemoryRequestStore();
  return {
    events,
    read,
    keys,
    requests,
    description: { events: 'in-memory event store', read: 'in-memory read store' },
    async close() {
      await Promise.allSettled([events.close(), read.close(), keys.close(), requests.close()]);
    },
  };
}

/**
 * A fresh runtime on in-memory stores: a random master key (so no master.key file), the projector
 * embedded (commands return once the read model has their change), logs silenced. `env` adds or
 * overrides configuration variables. Close it in afterEach.
 */
export async function openHandlerRuntime(env: Record<string, string> = {}): Promise<HandlerRuntime> {
  const dataDir = join(tmpdir(), `onehazel-handler-spec-${randomUUID()}`);
  const config = loadConfig({
    DATA_DIR: dataDir,
    MASTER_KEY: randomBytes(32).toString('base64'),
    PROJECTOR: 'embedded',
    LOG_LEVEL: 'silent',
    ...env,
  });
  const runtime = await openRuntime(config, createLogger('silent'), { role: 'api', stores: inMemoryStores() });
  return {
    ...runtime,
    cipher: new PersonalDataCipher(runtime.keyring, runtime.masterKeys),
    validator,
    dataDir,
    async close() {
      await runtime.close();
      if (existsSync(dataDir)) throw new Error(`a handler spec wrote to ${dataDir}: handler specs must not touch the disk`);
    },
  };
}

// --- who, when and which request ---

export const platformActor = (platformId: string): Actor => ({ kind: 'platform', id: platformId });
export const keyActor = (keyId: string): Actor => ({ kind: 'key', id: keyId });

export type ContextOptions = Readonly<{
  /** The request's command id (an Idempotency-Key's claim): every attempt of one request shares it. */
  commandId?: string;
  /** An earlier attempt of the same request may have recorded something. */
  retry?: boolean;
  /** The command's time; now when absent. */
  at?: string;
}>;

/** A CommandContext as the HTTP layer (RequestContext) builds it. */
export function contextOf(actor: Actor, requestId: string = `req-${randomUUID()}`, options: ContextOptions = {}): CommandContext {
  return {
    actor,
    requestId,
    correlationId: requestId,
    causationId: requestId,
    at: options.at ?? new Date().toISOString(),
    ...(options.commandId ? { commandId: options.commandId, retry: options.retry === true } : {}),
  };
}

// --- reading what was recorded ---

/** The events of a stream as the log holds them. */
export const eventsOf = (rt: HandlerRuntime, stream: string): Promise<RecordedEvent[]> => rt.stores.events.readStream(stream);

/** The stream of an operator's externalId, as the handlers locate it (named by the externalId's keyed hash). */
export async function entityStreamOf(rt: HandlerRuntime, operatorId: string, externalId: string): Promise<string> {
  return (await locateEntity(rt.commands, rt.cipher, operatorId, externalId, { create: true })).stream;
}

/** The types of a stream's events, in order. */
export async function typesOf(rt: HandlerRuntime, stream: string): Promise<string[]> {
  return (await eventsOf(rt, stream)).map((event) => event.type);
}

/** What events hold (type, data, metadata) as JSON text, for specs that check what the log must never hold. */
export const textOf = (events: readonly RecordedEvent[]): string =>
  JSON.stringify(events.map(({ type, data, metadata }) => ({ type, data, metadata })));

/** Every data key in the key store (wrapped), for specs that count or look for keys. */
export function allDataKeys(rt: HandlerRuntime): Promise<WrappedDataKey[]> {
  // Keys wrapped by a master key other than one that does not exist: all of them.
  return rt.stores.keys.listWrappedWithOther('no-such-master-key', 1_000_000);
}

/**
 * Every page of a list, cursor after cursor from the first page. Fails (instead of looping for ever) when
 * the cursor does not move on.
 */
export async function pagesOf<T>(fetch: (cursor: string | undefined) => Promise<KeysetPage<T>>, maxPages = 100): Promise<T[][]> {
  const pages: T[][] = [];
  let cursor: string | undefined;
  do {
    if (pages.length >= maxPages) throw new Error(`more than ${maxPages} pages: the cursor does not move on`);
    const page = await fetch(cursor);
    pages.push(page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return pages;
}

/** An AES-256-GCM field envelope (oh1.<keyId>.<version>.<nonce>.<ciphertext>.<tag>), never plaintext. */
export const ENVELOPE = /^oh1\.[A-Za-z0-9_-]{1,64}\.[1-9][0-9]*\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/;

/**
 * `count` command ids whose derived ids (`idOf`) come out in descending order: records created with
 * them in this order have ids that sort the other way round from their creation, so a list that orders
 * by id instead of by creation is caught.
 */
export function commandIdsWithDescendingIds(count: number, idOf: (commandId: string) => string): string[] {
  const ids = Array.from({ length: count }, () => randomUUID()).map((commandId) => ({ commandId, id: idOf(commandId) }));
  return ids.sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0)).map(({ commandId }) => commandId);
}

// --- races ---

export { barrierOnReads } from '../../../../tools/test/barrier-on-reads';

// --- givens, made through the handlers and the admin as a user would ---

export const operatorProfile = (overrides: Partial<OperatorProfile> = {}): OperatorProfile => ({
  name: 'Lucky Spin Casino',
  plan: 'professional',
  contactEmail: 'admin@luckyspin.example',
  industry: 'igaming',
  ...overrides,
});

/** A platform registered by the administrator (as the CLI does): its id. */
export async function registerPlatform(rt: HandlerRuntime, name = 'Test Platform'): Promise<string> {
  return (await rt.admin.register(name)).id;
}

/** An operator created by its platform through CreateOperatorHandler: its id. */
export async function createOperator(
  rt: HandlerRuntime,
  platformId: string,
  profile: Partial<OperatorProfile> = {},
  options: ContextOptions = {},
): Promise<string> {
  const handler = new CreateOperatorHandler(rt.commands, rt.cipher);
  const command = new CreateOperatorCommand(platformId, operatorProfile(profile), contextOf(platformActor(platformId), undefined, options));
  return (await handler.execute(command)).operatorId;
}

/** A platform with one operator. */
export async function platformWithOperator(
  rt: HandlerRuntime,
  profile: Partial<OperatorProfile> = {},
): Promise<{ platformId: string; operatorId: string }> {
  const platformId = await registerPlatform(rt);
  return { platformId, operatorId: await createOperator(rt, platformId, profile) };
}

/** A key issued through IssueKeyHandler, by the operator's platform unless `by` says otherwise. */
export async function issueKey(
  rt: HandlerRuntime,
  operatorId: string,
  options: ContextOptions & { label?: string | null; by?: KeyManager; actor?: Actor } = {},
): Promise<IssuedKey> {
  const { label = null, by = 'platform', actor = { kind: 'admin', id: 'spec' }, ...context } = options;
  return new IssueKeyHandler(rt.commands).execute(new IssueKeyCommand(operatorId, label, by, contextOf(actor, undefined, context)));
}

/** A platform's operator with one key (issued by the platform). */
export async function operatorWithKey(rt: HandlerRuntime): Promise<{ platformId: string; operatorId: string; keyId: string; key: string }> {
  const { platformId, operatorId } = await platformWithOperator(rt);
  const issued = await issueKey(rt, operatorId, { label: 'First key', actor: platformActor(platformId) });
  return { platformId, operatorId, keyId: issued.id, key: issued.key };
}

/** A template configured through ConfigureTemplateHandler. */
export async function configureTemplate(rt: HandlerRuntime, operatorId: string, keyId: string, template: Template = IGAMING_TEMPLATE) {
  return new ConfigureTemplateHandler(rt.commands).execute(new ConfigureTemplateCommand(operatorId, template, contextOf(keyActor(keyId))));
}

/** An operator with a key and the built-in igaming template: where operator-data specs start. */
export async function igamingOperator(rt: HandlerRuntime) {
  const operator = await operatorWithKey(rt);
  await configureTemplate(rt, operator.operatorId, operator.keyId);
  return operator;
}

/** A player of the igaming template, personal fields included. */
export const playerData = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  first_name: 'James',
  last_name: 'Wilson',
  email: 'james.wilson@example.com',
  country: 'GB',
  currency: 'GBP',
  date_of_birth: '1992-03-15',
  vip_level: 'bronze',
  ...overrides,
});

/** An entity upserted through UpsertEntityHandler, as the operator's key. */
export async function upsertEntity(
  rt: HandlerRuntime,
  operator: { operatorId: string; keyId: string },
  externalId: string,
  options: ContextOptions & { entityType?: string; data?: Record<string, unknown> } = {},
): Promise<UpsertedEntity> {
  const { entityType = 'player', data = playerData(), ...context } = options;
  const handler = new UpsertEntityHandler(rt.commands, rt.validator, rt.cipher);
  return handler.execute(new UpsertEntityCommand(operator.operatorId, entityType, externalId, data, contextOf(keyActor(operator.keyId), undefined, context)));
}
