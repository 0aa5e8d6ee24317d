import type { Db } from 'mongodb';
import type { Redis } from 'ioredis';
import { hasAnyAdminRight } from '../auth/admin-rights.js';
import { Authenticator, type Authenticated } from '../auth/authenticator.js';
import type { CredentialCache } from '../auth/credential-cache.js';
import { AuthRequired, CsrfInvalid, TwoFactorSetupRequired } from '../auth/auth.errors.js';
import { RateLimiter } from '../auth/rate-limit.js';
import { hashSecret, secretKind } from '../auth/secrets.js';
import type { SessionStore } from '../auth/sessions.js';
import { SecuritySettingsStore } from '../auth/settings.js';
import type { MetadataCache } from '../metadata/metadata-cache.js';
import { auditPreview, PREVIEW_ROLE_HEADER, previewActor } from '../auth/role-preview.js';
import { PreviewReadOnly } from '../auth/auth.errors.js';
import { CSRF_HEADER, SESSION_COOKIE } from './auth-cookies.js';
import type { AppMiddleware } from './context.js';

export interface AuthenticateDeps {
  db: Db;
  cache: MetadataCache;
  redis: Redis;
  /** Prefix of the Redis keys (the queue prefix). */
  prefix: string;
  sessions: SessionStore;
  credentials: CredentialCache;
}

/** Routes reached without a credential: sign-in itself, and inbound webhooks (their own secret). */
export function isPublicApiPath(path: string): boolean {
  return path === '/api/auth/login' || path === '/api/auth/login/2fa' || path.startsWith('/api/hooks/');
}

/** What a session that must first enrol in 2FA may still do. */
const ENROLMENT_ROUTES = new Set(['GET /api/auth/me', 'POST /api/auth/2fa/setup', 'POST /api/auth/2fa/confirm', 'POST /api/auth/logout']);

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Sets `ctx.state.actor` for every `/api/*` request, from `Authorization: Bearer`
 * (a session token or an API token) or else the session cookie. Nothing valid: 401
 * AUTH_REQUIRED. A cookie session's writes must echo its CSRF token in X-CSRF-Token
 * (a Bearer header cannot be sent by another site, so it needs none). API tokens are
 * rate limited per token. `X-Metacrm-Preview-Role` turns a metadata administrator into
 * a read-only holder of that one role (role-preview.ts); any write is then refused
 * here, and the engine refuses one too (RecordAccess), whatever path reaches it.
 */
export function authenticate(deps: AuthenticateDeps): AppMiddleware {
  const authenticator = new Authenticator(deps.db, deps.sessions, deps.credentials);
  const limiter = new RateLimiter(deps.redis, deps.prefix);
  return async (ctx, next) => {
    ctx.state.metadata = () => deps.cache.current();
    if (!ctx.path.startsWith('/api/') || isPublicApiPath(ctx.path)) return await next();

    const header = ctx.get('Authorization');
    const bearer = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
    if (header !== '' && bearer === undefined) throw AuthRequired('The Authorization header must be "Bearer <token>"');
    const cookie = bearer === undefined ? ctx.cookies.get(SESSION_COOKIE) : undefined;
    const secret = bearer ?? cookie;
    if (!secret) throw AuthRequired();

    const kind = secretKind(secret);
    const found =
      kind === 'mct' ? await authenticator.fromApiToken(secret) : kind === 'mcs' ? await authenticator.fromSession(secret) : undefined;
    if (!found) throw AuthRequired('The session has ended or the token is not valid; sign in again');

    const restricted = await mustEnrol(found, deps);
    if (restricted && !ENROLMENT_ROUTES.has(`${ctx.method} ${ctx.path}`)) throw TwoFactorSetupRequired();
    if (found.via === 'session') {
      if (cookie !== undefined && !SAFE_METHODS.has(ctx.method) && hashSecret(ctx.get(CSRF_HEADER)) !== found.session.csrfHash)
        throw CsrfInvalid();
    } else {
      const state = await limiter.hit(`token:${String(found.token._id)}`, found.token.rateLimitPerMinute);
      ctx.set('X-RateLimit-Limit', String(state.limit));
      ctx.set('X-RateLimit-Remaining', String(state.remaining));
    }
    ctx.state.actor = await asPreview(ctx, found, deps);
    ctx.state.auth = {
      via: found.via,
      user: found.user,
      cookie: cookie !== undefined,
      restricted,
      ...(found.via === 'session' ? { sessionId: found.session._id } : { tokenId: String(found.token._id) }),
    };
    await next();
  };
}

/** The actor of the request: the credential's, or the role it previews (audited), read-only. */
async function asPreview(ctx: Parameters<AppMiddleware>[0], found: Authenticated, deps: AuthenticateDeps): Promise<Authenticated['actor']> {
  const role = ctx.get(PREVIEW_ROLE_HEADER).trim();
  if (role === '') return found.actor;
  const actor = previewActor(await deps.cache.current(), found.actor, role);
  if (!SAFE_METHODS.has(ctx.method)) throw PreviewReadOnly(undefined, { role });
  const credential = found.via === 'session' ? found.session._id : String(found.token._id);
  await auditPreview(deps, actor, credential, { ip: ctx.ip, requestId: ctx.state.requestId });
  return actor;
}

/**
 * Whether the credential may only enrol in 2FA: a session opened restricted, or any
 * session or API token of a user who holds an admin right and has not enrolled while
 * the workspace requires 2FA for admins. Decided on every request, so turning the
 * setting on holds at once for sessions and tokens that existed before it (the setting
 * is cached with the credentials, and its change drops it in every process).
 */
async function mustEnrol(found: Authenticated, deps: AuthenticateDeps): Promise<boolean> {
  if (found.via === 'session' && found.session.restricted) return true;
  if (found.user.totp?.enabled) return false;
  // The user's roles, not a token's: a narrowed token of an admin is still an admin's credential.
  if (!hasAnyAdminRight(await deps.cache.current(), found.user.roles)) return false;
  const settings = await deps.credentials.securitySettings(() => new SecuritySettingsStore(deps.db).get());
  return settings.requireTwoFactorForAdmins;
}
