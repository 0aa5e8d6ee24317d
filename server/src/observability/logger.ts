import { pino, type DestinationStream, type Logger } from 'pino';
import type { LogLevel } from '../config/config.js';

export type { Logger };

/**
 * The process logger: JSON lines on stdout. Secrets never reach it: the paths below
 * are redacted wherever they appear in a logged object. `destination` (stdout by
 * default) lets a test read what would have been logged.
 */
export function createLogger(level: LogLevel, base: Record<string, unknown> = {}, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { pid: process.pid, ...base },
      redact: {
        paths: [
          'password',
          '*.password',
          'currentPassword',
          '*.currentPassword',
          'newPassword',
          '*.newPassword',
          'passwordHash',
          '*.passwordHash',
          'generatedPassword',
          '*.generatedPassword',
          'token',
          '*.token',
          'csrfToken',
          '*.csrfToken',
          'secret',
          '*.secret',
          'challenge',
          '*.challenge',
          'recoveryCode',
          '*.recoveryCode',
          'recoveryCodes',
          '*.recoveryCodes',
          'headers.authorization',
          'headers.cookie',
          'req.headers.authorization',
          'req.headers.cookie',
          'res.headers["set-cookie"]',
        ],
        censor: '[redacted]',
      },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination ?? pino.destination(1),
  );
}
