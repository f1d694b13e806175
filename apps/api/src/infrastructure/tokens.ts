/** Injection tokens of the process-wide services (created once in app.ts, provided by InfrastructureModule). */
export const CONFIG = Symbol('CONFIG');
export const LOGGER = Symbol('LOGGER');
export const EVENT_STORE = Symbol('EVENT_STORE');
export const READ_STORE = Symbol('READ_STORE');
export const PROJECTOR = Symbol('PROJECTOR');
export const KEYRING = Symbol('KEYRING');
/** The key store itself (wrapped data keys): only /ready asks it anything directly; the keyring uses it. */
export const KEY_STORE = Symbol('KEY_STORE');
export const REQUEST_STORE = Symbol('REQUEST_STORE');
export const MASTER_KEYS = Symbol('MASTER_KEYS');
/** The runtime's Clock (epoch ms): what commands stamp and monthly quotas go by. */
export const CLOCK = Symbol('CLOCK');
