import pino, { Logger } from 'pino';

export type { Logger } from 'pino';

/**
 * JSON lines on stdout (or the given stream). Credentials are redacted wherever they could appear;
 * request and response bodies are never logged.
 */
export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    {
      level,
      base: { service: 'onehazel' },
      redact: {
        paths: ['req.headers.authorization', 'req.headers.cookie', 'headers.authorization', '*.key', '*.secret'],
        censor: '[redacted]',
      },
    },
    destination ?? process.stdout,
  );
}
