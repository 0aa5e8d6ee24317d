import type { ErrorCode } from '@metacrm/metadata';

/**
 * An error the API answers with: a code from the shared list, an HTTP status, a
 * message safe to show, and optional details. Domain code throws these; the HTTP
 * error handler is the only place that renders them.
 */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly status: number,
    message: string,
    readonly details?: unknown,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'AppError';
  }
}

/** A factory for one kind of AppError, declared once in a domain's `*.errors.ts`. */
export interface ErrorFactory {
  readonly code: ErrorCode;
  readonly status: number;
  (message?: string, details?: unknown, options?: { cause?: unknown }): AppError;
  /** True when `err` was made by this factory. */
  is(err: unknown): err is AppError;
}

/** Declares an error kind: `const NotFound = defineError('NOT_FOUND', 404, 'Not found')`. */
export function defineError(code: ErrorCode, status: number, defaultMessage: string): ErrorFactory {
  const make = (message?: string, details?: unknown, options?: { cause?: unknown }) =>
    new AppError(code, status, message ?? defaultMessage, details, options);
  return Object.assign(make, {
    code,
    status,
    is: (err: unknown): err is AppError => err instanceof AppError && err.code === code,
  });
}
