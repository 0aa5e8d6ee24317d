// Type-only: the metadata package's entry point also loads the schema validator, which
// the apps do not need yet and which would double the bundle.
import type { ErrorCode } from '@metacrm/metadata';

/** Failures that happen on this side of the wire, so the server never names them. */
export const CLIENT_ERROR_CODES = ['NETWORK_ERROR', 'TIMEOUT', 'BAD_RESPONSE', 'UNKNOWN_ERROR'] as const;
export type ClientErrorCode = (typeof CLIENT_ERROR_CODES)[number];

/** Everything `ApiError.code` can be: the server's codes (shared through @metacrm/metadata) and the client's. */
export type ApiErrorCode = ErrorCode | ClientErrorCode;

export interface ApiErrorInit {
  code: ApiErrorCode;
  message: string;
  /** The HTTP status, or 0 when no answer arrived. */
  status?: number;
  requestId?: string | undefined;
  details?: unknown;
}

/** A failed API call, whatever the cause. UIs switch on `code`. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly code: ApiErrorCode;
  readonly status: number;
  readonly requestId: string | undefined;
  readonly details: unknown;

  constructor(init: ApiErrorInit) {
    super(init.message);
    this.code = init.code;
    this.status = init.status ?? 0;
    this.requestId = init.requestId;
    this.details = init.details;
  }
}

/** True for failures of this client or the network, whose message the UI translates. */
export function isClientErrorCode(code: ApiErrorCode): code is ClientErrorCode {
  return (CLIENT_ERROR_CODES as readonly string[]).includes(code);
}

/** Wraps anything thrown into an ApiError, so state holders deal with one type. */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  return new ApiError({ code: 'UNKNOWN_ERROR', message: err instanceof Error ? err.message : String(err) });
}

/**
 * Reads the platform's one error shape, `{error: {code, message, requestId, details}}`;
 * any other body becomes BAD_RESPONSE carrying the HTTP status. The code is trusted to
 * be one of ErrorCode: the server's errors are typed against that union, and the app is
 * always the build the same server just served (index.html is never cached).
 */
export function parseErrorBody(status: number, body: unknown, headerRequestId: string | null): ApiError {
  const error = typeof body === 'object' && body !== null ? (body as { error?: unknown }).error : undefined;
  if (typeof error === 'object' && error !== null) {
    const { code, message, requestId, details } = error as Record<string, unknown>;
    if (typeof code === 'string' && typeof message === 'string') {
      return new ApiError({
        code: code as ErrorCode,
        message,
        status,
        requestId: typeof requestId === 'string' ? requestId : (headerRequestId ?? undefined),
        details,
      });
    }
  }
  return new ApiError({ code: 'BAD_RESPONSE', message: `HTTP ${status}`, status, requestId: headerRequestId ?? undefined });
}
