import { ApiError, parseErrorBody } from './api-error';
import { PREVIEW_ROLE_HEADER } from './preview-role';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface ApiClientOptions {
  /** Prefix for every path; empty means the page's own origin. */
  baseUrl?: string;
  /** Default time limit per request, body included. */
  timeoutMs?: number;
}

export interface RequestOptions {
  method?: HttpMethod;
  /** Sent as JSON. */
  body?: unknown;
  headers?: Record<string, string>;
  /** Cancels the request; the promise then rejects with the signal's reason, not an ApiError. */
  signal?: AbortSignal;
  timeoutMs?: number;
}

/**
 * A small fetch wrapper for the platform API: JSON in and out, a time limit on every
 * call, and every failure turned into an {@link ApiError}. The caller names the answer's
 * type; the server's contract, not a runtime check, guarantees it.
 */
export class ApiClient {
  private readonly baseUrl: string;
  private readonly timeoutMs: number;
  private preview: string | undefined;

  constructor(options: ApiClientOptions = {}) {
    this.baseUrl = options.baseUrl ?? '';
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  /** Every later call previews `role` (read-only, metadata administrators only); undefined stops. */
  setPreviewRole(role: string | undefined): void {
    this.preview = role;
  }

  /** The role this client previews, if any. */
  get previewRole(): string | undefined {
    return this.preview;
  }

  get<T>(path: string, options: Omit<RequestOptions, 'method' | 'body'> = {}): Promise<T> {
    return this.request<T>(path, { ...options, method: 'GET' });
  }

  post<T>(path: string, body?: unknown, options: Omit<RequestOptions, 'method' | 'body'> = {}): Promise<T> {
    return this.request<T>(path, { ...options, method: 'POST', body });
  }

  async request<T>(path: string, options: RequestOptions = {}): Promise<T> {
    const { method = 'GET', body, headers = {}, signal, timeoutMs = this.timeoutMs } = options;
    // One controller aborts the call for either reason; the flag tells them apart.
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    const onCallerAbort = () => controller.abort();
    signal?.addEventListener('abort', onCallerAbort, { once: true });
    try {
      if (signal?.aborted) throw signal.reason;
      const response = await fetch(this.baseUrl + path, {
        method,
        headers: {
          Accept: 'application/json',
          ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
          ...csrfHeader(method),
          ...(this.preview === undefined ? {} : { [PREVIEW_ROLE_HEADER]: this.preview }),
          ...headers,
        },
        body: body === undefined ? null : JSON.stringify(body),
        credentials: 'same-origin',
        signal: controller.signal,
      });
      const payload = await readJson(response);
      if (!response.ok) {
        const error = parseErrorBody(response.status, payload, response.headers.get('x-request-id'));
        if (error.code === 'AUTH_REQUIRED') window.dispatchEvent(new Event(SIGNED_OUT_EVENT));
        throw error;
      }
      if (payload === NOT_JSON) {
        throw new ApiError({ code: 'BAD_RESPONSE', message: 'The answer is not JSON', status: response.status });
      }
      return payload as T;
    } catch (err) {
      if (err instanceof ApiError) throw err;
      if (signal?.aborted) throw signal.reason;
      if (timedOut) throw new ApiError({ code: 'TIMEOUT', message: `No answer within ${timeoutMs} ms` });
      throw new ApiError({ code: 'NETWORK_ERROR', message: err instanceof Error ? err.message : String(err) });
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onCallerAbort);
    }
  }
}

const NOT_JSON = Symbol('not JSON');

/**
 * Fired on `window` whenever the server answers AUTH_REQUIRED (the session ended:
 * signed out elsewhere, password changed, user deactivated); the sign-in gate listens.
 */
export const SIGNED_OUT_EVENT = 'metacrm:signed-out';

/**
 * The session's CSRF token, which the server sets in the readable `mc_csrf` cookie and
 * expects back in `X-CSRF-Token` on every write made with the session cookie.
 */
export function csrfHeader(method: HttpMethod): Record<string, string> {
  if (method === 'GET') return {};
  const match = /(?:^|;\s*)mc_csrf=([^;]+)/.exec(document.cookie);
  return match ? { 'X-CSRF-Token': decodeURIComponent(match[1]!) } : {};
}

async function readJson(response: Response): Promise<unknown> {
  if (response.status === 204) return undefined;
  const text = await response.text();
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return NOT_JSON;
  }
}

/** The client both apps use for their own origin. */
export const api = new ApiClient();
