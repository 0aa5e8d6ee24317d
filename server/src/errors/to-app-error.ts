import { MongoNetworkError, MongoServerSelectionError, MongoNotConnectedError, MongoTopologyClosedError } from 'mongodb';
import { AppError } from './app-error.js';
import { DatabaseUnavailable, RedisUnavailable } from './platform.errors.js';

/**
 * Maps infrastructure failures to the API errors they mean for a client (a database
 * that cannot be reached is a 503, not a 500). Returns undefined for anything that
 * is not a known failure, which the handler then logs and answers as INTERNAL.
 */
export function toAppError(err: unknown): AppError | undefined {
  if (err instanceof AppError) return err;
  if (
    err instanceof MongoServerSelectionError ||
    err instanceof MongoNetworkError ||
    err instanceof MongoNotConnectedError ||
    err instanceof MongoTopologyClosedError
  ) {
    return DatabaseUnavailable(undefined, undefined, { cause: err });
  }
  if (isRedisConnectionError(err)) return RedisUnavailable(undefined, undefined, { cause: err });
  return undefined;
}

function isRedisConnectionError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  // ioredis with enableOfflineQueue=false, or after retries are exhausted.
  return (
    err.message.includes("Stream isn't writeable and enableOfflineQueue options is false") ||
    err.name === 'MaxRetriesPerRequestError' ||
    (err.message.startsWith('Connection is closed') && err.stack?.includes('ioredis') === true)
  );
}
