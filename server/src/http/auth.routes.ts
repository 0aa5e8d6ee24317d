import Router from '@koa/router';
import type { Db } from 'mongodb';
import type { Redis } from 'ioredis';
import { AuditLog } from '../audit/audit-log.js';
import { AccountService } from '../auth/account.service.js';
import type { CredentialCache } from '../auth/credential-cache.js';
import { hasAdminRight } from '../auth/admin-rights.js';
import { AuthRequired } from '../auth/auth.errors.js';
import { LoginService, type LoginResult } from '../auth/login.service.js';
import type { LoginThrottleOptions } from '../auth/login-throttle.js';
import type { SessionLimits, SessionStore } from '../auth/sessions.js';
import { toPublicUser } from '../auth/user-model.js';
import type { MetadataCache } from '../metadata/metadata-cache.js';
import { clearSessionCookies, setSessionCookies } from './auth-cookies.js';
import type { AppContext, AppState } from './context.js';
import { jsonBody } from './json-body.js';

export interface AuthRouteDeps {
  db: Db;
  redis: Redis;
  prefix: string;
  cache: MetadataCache;
  sessions: SessionStore;
  credentials: CredentialCache;
  sessionLimits: SessionLimits;
  loginThrottle?: LoginThrottleOptions | undefined;
}

/** Sign-in bodies are small; anything larger is refused before it is read. */
const AUTH_BODY_LIMIT = '16kb';

/**
 * Sign-in and the signed-in user's own account:
 * - `POST /api/auth/login` `{email, password}` → `{token, csrfToken, user}` and the
 *   session cookies, or `{twoFactorRequired: true, challenge}`
 * - `POST /api/auth/login/2fa` `{challenge, code | recoveryCode}` → as login
 * - `POST /api/auth/logout`, `GET /api/auth/me`, `POST /api/auth/password`
 * - `POST /api/auth/2fa/setup | confirm | disable`
 * - `GET|POST /api/auth/tokens`, `DELETE /api/auth/tokens/{id}`: own API tokens
 */
export function authRoutes(deps: AuthRouteDeps): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/auth' });
  const login = async () =>
    new LoginService({
      db: deps.db,
      redis: deps.redis,
      prefix: deps.prefix,
      snapshot: await deps.cache.current(),
      throttle: deps.loginThrottle,
      sessions: deps.sessions,
    });
  const meta = (ctx: AppContext) => ({ ip: ctx.ip, userAgent: ctx.get('User-Agent') || undefined, requestId: ctx.state.requestId });
  const account = async (ctx: AppContext) => {
    const auth = ctx.state.auth;
    if (!auth) throw AuthRequired();
    return new AccountService({
      db: deps.db,
      credentials: deps.credentials,
      actor: ctx.state.actor,
      user: auth.user,
      snapshot: await ctx.state.metadata(),
      sessionId: auth.sessionId,
      ip: ctx.ip,
      requestId: ctx.state.requestId,
    });
  };
  const answer = (ctx: AppContext, result: LoginResult) => {
    if (result.kind === 'challenge') {
      ctx.body = { twoFactorRequired: true, challenge: result.challenge };
      return;
    }
    setSessionCookies(ctx, result.session.token, result.session.csrfToken, deps.sessionLimits.absoluteMs);
    ctx.body = {
      token: result.session.token,
      csrfToken: result.session.csrfToken,
      expiresAt: result.session.doc.expiresAt,
      user: result.user,
      twoFactorSetupRequired: result.twoFactorSetupRequired,
    };
  };

  router.post('/login', async (ctx) => {
    answer(ctx, await (await login()).login(await jsonBody(ctx, { limit: AUTH_BODY_LIMIT }), meta(ctx)));
  });

  router.post('/login/2fa', async (ctx) => {
    answer(ctx, await (await login()).secondStep(await jsonBody(ctx, { limit: AUTH_BODY_LIMIT }), meta(ctx)));
  });

  router.post('/logout', async (ctx) => {
    const auth = ctx.state.auth;
    if (auth?.sessionId) {
      await deps.sessions.end(auth.sessionId);
      await deps.credentials.changed(ctx.state.actor.id);
      await new AuditLog(deps.db).append({
        action: 'auth.logout',
        actor: ctx.state.actor,
        target: { kind: 'user', id: ctx.state.actor.id },
        ip: ctx.ip,
        requestId: ctx.state.requestId,
      });
    }
    clearSessionCookies(ctx);
    ctx.status = 204;
  });

  router.get('/me', async (ctx) => {
    const auth = ctx.state.auth!;
    const snapshot = await ctx.state.metadata();
    ctx.body = {
      user: toPublicUser(auth.user),
      via: auth.via,
      roles: ctx.state.actor.roles,
      adminRights: {
        metadata: hasAdminRight(snapshot, ctx.state.actor, 'metadata'),
        users: hasAdminRight(snapshot, ctx.state.actor, 'users'),
      },
      twoFactorSetupRequired: auth.restricted,
      // The role an administrator previews (X-Metacrm-Preview-Role), read-only; null otherwise.
      previewRole: ctx.state.actor.preview?.role ?? null,
    };
  });

  router.post('/password', async (ctx) => {
    ctx.body = await (await account(ctx)).changePassword(await jsonBody(ctx, { limit: AUTH_BODY_LIMIT }));
  });

  router.post('/2fa/setup', async (ctx) => {
    ctx.body = await (await account(ctx)).setupTwoFactor();
  });

  router.post('/2fa/confirm', async (ctx) => {
    ctx.body = await (await account(ctx)).confirmTwoFactor(await jsonBody(ctx, { limit: AUTH_BODY_LIMIT }));
  });

  router.post('/2fa/disable', async (ctx) => {
    await (await account(ctx)).disableTwoFactor(await jsonBody(ctx, { limit: AUTH_BODY_LIMIT }));
    ctx.status = 204;
  });

  router.get('/tokens', async (ctx) => {
    ctx.body = { tokens: await (await account(ctx)).tokens() };
  });

  router.post('/tokens', async (ctx) => {
    const created = await (await account(ctx)).createToken(await jsonBody(ctx, { limit: AUTH_BODY_LIMIT }));
    ctx.status = 201;
    ctx.body = created;
  });

  router.delete('/tokens/:id', async (ctx) => {
    await (await account(ctx)).revokeToken(ctx.params.id!);
    ctx.status = 204;
  });

  return router;
}
