import type { AppContext } from './context.js';

/** The httpOnly cookie that carries the session token. */
export const SESSION_COOKIE = 'mc_session';
/** The cookie the apps read and echo in `X-CSRF-Token` on writes (not httpOnly, by design). */
export const CSRF_COOKIE = 'mc_csrf';
export const CSRF_HEADER = 'X-CSRF-Token';

/**
 * Sets both cookies for a new session. SameSite=Lax keeps the session off cross-site
 * subrequests and form posts; the CSRF token covers what SameSite does not (older
 * browsers, same-site subdomains). `Secure` follows the request's scheme (behind a
 * TLS-terminating proxy through X-Forwarded-Proto, when TRUST_PROXY counts that proxy).
 */
export function setSessionCookies(ctx: AppContext, token: string, csrfToken: string, maxAgeMs: number): void {
  const common = { path: '/', sameSite: 'lax' as const, secure: ctx.secure, overwrite: true, maxAge: maxAgeMs };
  ctx.cookies.set(SESSION_COOKIE, token, { ...common, httpOnly: true });
  ctx.cookies.set(CSRF_COOKIE, csrfToken, { ...common, httpOnly: false });
}

export function clearSessionCookies(ctx: AppContext): void {
  const common = { path: '/', sameSite: 'lax' as const, secure: ctx.secure, overwrite: true, expires: new Date(0) };
  ctx.cookies.set(SESSION_COOKIE, '', { ...common, httpOnly: true });
  ctx.cookies.set(CSRF_COOKIE, '', { ...common, httpOnly: false });
}
