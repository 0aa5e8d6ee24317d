import { toApiError } from '../api/api-error';

/** Codes a later attempt may fix: the platform or a dependency is briefly away. */
const TRANSIENT = new Set(['NETWORK_ERROR', 'TIMEOUT', 'DATABASE_UNAVAILABLE', 'REDIS_UNAVAILABLE', 'RATE_LIMITED']);

/**
 * Retries only what may pass on its own (503s, timeouts, the network), up to 4 times;
 * a 4xx answer is final and shows at once.
 */
export function shouldRetry(failures: number, error: unknown): boolean {
  const apiError = toApiError(error);
  return failures < 4 && (TRANSIENT.has(apiError.code) || apiError.status === 503);
}

/** Exponential backoff with jitter: about 0.5 s, 1 s, 2 s, 4 s, capped at 8 s. */
export function retryDelay(attempt: number): number {
  return Math.min(8_000, 500 * 2 ** attempt) * (0.75 + Math.random() * 0.5);
}
