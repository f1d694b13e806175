import { generateSecret, hashSecret, lastFour, randomId, randomUuid } from '@onehazel/crypto';
import { CommandContext, platformDecider, platformStream } from '@onehazel/domain';
import { Collections, PlatformView, Projector } from '@onehazel/projections';
import { CommandExecutor } from '@onehazel/commands';
import type { ReadStore } from '@onehazel/read-store';
import { userInfo } from 'node:os';

export type IssuedKey = { id: string; keyId: string; key: string };

/**
 * The administrator's use cases: they append to the log like any command, then project up to their own
 * position, so that the server (running or not) accepts a new key on its very next request.
 */
export class PlatformAdmin {
  constructor(
    private readonly executor: CommandExecutor,
    private readonly read: ReadStore,
    private readonly projector: Projector,
  ) {}

  async register(name: string): Promise<IssuedKey & { name: string }> {
    const platformId = randomId('plt_');
    const context = adminContext();
    const registered = await this.executor.execute(
      platformDecider,
      platformStream(platformId),
      { type: 'RegisterPlatform', platformId, name, at: context.at },
      context,
    );
    const issued = await this.issueKey(platformId, context);
    const state = registered.state;
    return { ...issued, name: state.status === 'active' ? state.name : name };
  }

  async issueKey(platformId: string, context: CommandContext = adminContext()): Promise<IssuedKey> {
    const key = generateSecret('oh_platform_');
    const keyId = randomId('pk_');
    const { position } = await this.executor.execute(
      platformDecider,
      platformStream(platformId),
      { type: 'IssuePlatformKey', platformId, keyId, keyHash: hashSecret(key), lastFour: lastFour(key), at: context.at },
      context,
    );
    await this.projector.catchUp(position);
    return { id: platformId, keyId, key };
  }

  async revokeKey(platformId: string, keyId: string): Promise<void> {
    const context = adminContext();
    const { position } = await this.executor.execute(
      platformDecider,
      platformStream(platformId),
      { type: 'RevokePlatformKey', platformId, keyId, at: context.at },
      context,
    );
    await this.projector.catchUp(position);
  }

  async list(): Promise<PlatformView[]> {
    await this.projector.catchUp();
    const platforms: PlatformView[] = [];
    let after: { value: null; id: string } | undefined;
    for (;;) {
      const page = (await this.read.find(Collections.platforms, { after, limit: 100 })) as PlatformView[];
      platforms.push(...page);
      if (page.length < 100) return platforms;
      after = { value: null, id: page[page.length - 1]!.id };
    }
  }
}

function adminContext(): CommandContext {
  const requestId = `cli-${randomUuid()}`;
  let user = 'local';
  try {
    user = userInfo().username || 'local';
  } catch {
    // no user name on this system: keep "local"
  }
  return {
    actor: { kind: 'admin', id: `cli:${user}` },
    requestId,
    correlationId: requestId,
    causationId: requestId,
    at: new Date().toISOString(),
  };
}
