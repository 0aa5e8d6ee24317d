import { UnrecoverableError } from 'bullmq';
import { AppError } from './app-error.js';

/**
 * Whether a failure is final: a retry would fail the same way. An UnrecoverableError
 * says so itself; an AppError does below 500 (the input, the settings or the data are
 * wrong), except a 409, which a later attempt may win. Anything else (a 5xx, a driver or
 * network error) is worth retrying. The one rule of the workflow executor and the job
 * handlers (imports, seed loads).
 */
export function isPermanent(err: unknown): boolean {
  if (err instanceof UnrecoverableError) return true;
  return err instanceof AppError && err.status < 500 && err.status !== 409;
}
