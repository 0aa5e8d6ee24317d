import Router from '@koa/router';
import type { Db } from 'mongodb';
import { AuditLog } from '../audit/audit-log.js';
import { AuditQueryInvalid } from '../audit/audit.errors.js';
import { requireAdmin } from './require-admin.middleware.js';
import type { CredentialCache } from '../auth/credential-cache.js';
import { SecuritySettingsStore } from '../auth/settings.js';
import type { AppContext, AppState } from './context.js';
import { jsonBody } from './json-body.js';

export interface SecurityRouteDeps {
  db: Db;
  /** Holds the settings for the sign-in check; a change drops them in every process. */
  credentials: CredentialCache;
}

/**
 * Security administration, for holders of the `users` admin right:
 * - `GET|PATCH /api/settings/security` (`requireTwoFactorForAdmins`)
 * - `GET /api/audit` (`action` exact or a family such as `auth.`, `actorId`, `from`,
 *   `to`, `limit`, `cursor`): the audit log, newest first
 */
export function securityRoutes(deps: SecurityRouteDeps): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api' });
  const guard = requireAdmin('users');

  router.get('/settings/security', guard, async (ctx) => {
    ctx.body = await new SecuritySettingsStore(deps.db).get();
  });

  router.patch('/settings/security', guard, async (ctx) => {
    const { before, after } = await new SecuritySettingsStore(deps.db).update(await jsonBody(ctx, { limit: '16kb' }), ctx.state.actor);
    await deps.credentials.settingsChanged();
    await new AuditLog(deps.db).append({
      action: 'settings.update',
      actor: ctx.state.actor,
      target: { kind: 'settings', key: 'security' },
      data: { before, after },
      ip: ctx.ip,
      requestId: ctx.state.requestId,
    });
    ctx.body = after;
  });

  router.get('/audit', guard, async (ctx) => {
    ctx.body = await new AuditLog(deps.db).list(auditQuery(ctx));
  });

  return router;
}

function auditQuery(ctx: AppContext) {
  const one = (name: string): string | undefined => {
    const value = ctx.query[name];
    if (Array.isArray(value)) throw AuditQueryInvalid(`${name} may be given once`, [{ pointer: `/query/${name}`, code: 'INVALID' }]);
    return value === '' ? undefined : value;
  };
  const date = (name: string): Date | undefined => {
    const raw = one(name);
    if (raw === undefined) return undefined;
    const value = new Date(raw);
    if (Number.isNaN(value.getTime()))
      throw AuditQueryInvalid(`${name} must be a date-time`, [{ pointer: `/query/${name}`, code: 'BAD_FORMAT' }]);
    return value;
  };
  const action = one('action');
  if (action !== undefined && !/^[a-z0-9_.]{1,64}$/.test(action))
    throw AuditQueryInvalid('action must be an action name such as auth.login, or a family such as auth.', [
      { pointer: '/query/action', code: 'BAD_FORMAT' },
    ]);
  const cursor = one('cursor');
  if (cursor !== undefined && !/^[0-9a-f]{24}$/.test(cursor))
    throw AuditQueryInvalid('cursor must be the nextCursor of a previous page', [{ pointer: '/query/cursor', code: 'BAD_FORMAT' }]);
  const limitRaw = one('limit');
  const limit = limitRaw === undefined ? undefined : Number(limitRaw);
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1 || limit > 200))
    throw AuditQueryInvalid('limit must be a whole number from 1 to 200', [{ pointer: '/query/limit', code: 'OUT_OF_RANGE' }]);
  return { action, actorId: one('actorId'), from: date('from'), to: date('to'), limit, cursor };
}
