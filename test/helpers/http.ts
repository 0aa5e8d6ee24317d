/** A small JSON client for API tests: every answer parsed, status kept. */
export interface ApiAnswer<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
}

export interface ApiClientOptions {
  /** Sent as `Authorization: Bearer <token>` (a session token from signIn, or an API token). */
  token?: string | undefined;
}

export function apiClient(baseUrl: string, options: ApiClientOptions = {}) {
  const auth: Record<string, string> = options.token === undefined ? {} : { Authorization: `Bearer ${options.token}` };
  const call = async <T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ApiAnswer<T>> => {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: body === undefined ? { ...auth, ...headers } : { 'Content-Type': 'application/json', ...auth, ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      signal: AbortSignal.timeout(60_000),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : null) as T };
  };
  return {
    get: <T = Record<string, unknown>>(path: string, headers?: Record<string, string>) => call<T>('GET', path, undefined, headers),
    post: <T = Record<string, unknown>>(path: string, body?: unknown, headers?: Record<string, string>) =>
      call<T>('POST', path, body, headers),
    patch: <T = Record<string, unknown>>(path: string, body?: unknown, headers?: Record<string, string>) =>
      call<T>('PATCH', path, body, headers),
    put: <T = Record<string, unknown>>(path: string, body?: unknown, headers?: Record<string, string>) =>
      call<T>('PUT', path, body, headers),
    delete: <T = Record<string, unknown>>(path: string, headers?: Record<string, string>) => call<T>('DELETE', path, undefined, headers),
    /** The Authorization header this client sends, for a raw fetch beside it. */
    authHeaders: (): Record<string, string> => ({ ...auth }),
  };
}

export type ApiClient = ReturnType<typeof apiClient>;

/** The answer of a password sign-in that needed no second step. */
export interface SignedIn {
  token: string;
  csrfToken: string;
  user: { id: string; email: string; roles: string[] } & Record<string, unknown>;
  /** The raw Set-Cookie lines, for cookie-session tests. */
  cookies: string[];
}

/** Signs in with email and password; fails the test unless a session comes back. */
export async function signIn(baseUrl: string, email: string, password: string, headers: Record<string, string> = {}): Promise<SignedIn> {
  const res = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify({ email, password }),
    signal: AbortSignal.timeout(60_000),
  });
  const body = (await res.json()) as Record<string, unknown>;
  if (res.status !== 200 || typeof body.token !== 'string')
    throw new Error(`sign-in of ${email} failed: ${res.status} ${JSON.stringify(body)}`);
  return {
    token: body.token,
    csrfToken: body.csrfToken as string,
    user: body.user as SignedIn['user'],
    cookies: res.headers.getSetCookie(),
  };
}
