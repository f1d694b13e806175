import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { MasterKeys } from '@onehazel/crypto';
import type { Config } from './config';
import type { Logger } from './logger';

/**
 * The master key: MASTER_KEY when set (required with a production backend); else, for the embedded
 * default, DATA_DIR/master.key, created on first start (mode 0600) with a warning to back it up apart
 * from the data. Losing it makes every entity's personal data unreadable.
 */
export function loadMasterKeys(config: Config, logger: Logger): MasterKeys {
  if (config.masterKey !== null) return MasterKeys.fromBase64(config.masterKey, config.previousMasterKeys);
  const file = join(config.dataDir, 'master.key');
  if (!existsSync(file)) {
    writeFileSync(file, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    chmodSync(file, 0o600);
    logger.warn(
      { file },
      'created a master key for personal data: back it up apart from the data (losing it makes personal data unreadable), or set MASTER_KEY',
    );
  }
  return MasterKeys.fromBase64(readFileSync(file, 'utf8').trim(), config.previousMasterKeys);
}
