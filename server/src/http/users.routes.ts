import Router from '@koa/router';
import type { Db } from 'mongodb';
import type { CredentialCache } from '../auth/credential-cache.js';
import { requireAdmin } from './require-admin.middleware.js';
import { DepartmentsService } from '../auth/departments.service.js';
import { UserDirectory } from '../auth/user-directory.js';
import { UsersService } from '../auth/users.service.js';
import { hasAdminRight } from '../auth/admin-rights.js';
import { BadRequest } from '../errors/index.js';
import type { AppContext, AppState } from './context.js';
import { jsonBody } from './json-body.js';
import { expectedVersion } from './request-params.js';

export interface UserRouteDeps {
  db: Db;
  credentials: CredentialCache;
}

/**
 * User and department administration, for holders of the `users` admin right:
 * - `GET /api/users` (`q`, `active`, `departmentId`, `limit`, `cursor`), `POST /api/users`
 * - `GET|PATCH /api/users/{id}` (`_version` in the body or If-Match)
 * - `POST /api/users/{id}/reset-password` `{password?}` (none: one is generated and answered once)
 * - `GET|POST /api/departments`, `PATCH|DELETE /api/departments/{id}`
 *
 * and, for every signed-in user, the read-only directory user fields are shown with:
 * - `GET /api/directory/users?ids=a,b` (names of those users) or `?q=…&limit=` (active users by name)
 */
export function userRoutes(deps: UserRouteDeps): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api' });
  const guard = requireAdmin('users');
  const usersService = async (ctx: AppContext) =>
    new UsersService({
      db: deps.db,
      credentials: deps.credentials,
      actor: ctx.state.actor,
      roleKeys: new Set((await ctx.state.metadata()).bundle.roles.map((r) => r.key)),
      ip: ctx.ip,
      requestId: ctx.state.requestId,
    });
  const departmentsService = (ctx: AppContext) =>
    new DepartmentsService({ db: deps.db, actor: ctx.state.actor, ip: ctx.ip, requestId: ctx.state.requestId });

  router.get('/users', guard, async (ctx) => {
    const active = ctx.query.active === 'true' ? true : ctx.query.active === 'false' ? false : undefined;
    const limit = ctx.query.limit === undefined ? undefined : Number(ctx.query.limit);
    if (limit !== undefined && !Number.isInteger(limit))
      throw BadRequest('limit must be a whole number', [{ pointer: '/query/limit', code: 'WRONG_TYPE' }]);
    ctx.body = await (
      await usersService(ctx)
    ).list({ q: str(ctx.query.q), active, departmentId: str(ctx.query.departmentId), limit, cursor: str(ctx.query.cursor) });
  });

  router.get('/directory/users', async (ctx) => {
    const directory = new UserDirectory({ db: deps.db, withEmail: hasAdminRight(await ctx.state.metadata(), ctx.state.actor, 'users') });
    const ids = str(ctx.query.ids);
    const limit = ctx.query.limit === undefined ? undefined : Number(ctx.query.limit);
    ctx.set('Cache-Control', 'private, no-cache');
    ctx.body = {
      users:
        ids !== undefined ? await directory.byIds(ids.split(',').filter(Boolean)) : await directory.search(str(ctx.query.q) ?? '', limit),
    };
  });

  router.post('/users', guard, async (ctx) => {
    const user = await (await usersService(ctx)).create(await jsonBody(ctx));
    ctx.status = 201;
    ctx.set('Location', `/api/users/${user.id}`);
    ctx.set('ETag', `"${user._version}"`);
    ctx.body = user;
  });

  router.get('/users/:id', guard, async (ctx) => {
    const user = await (await usersService(ctx)).get(ctx.params.id!);
    ctx.set('ETag', `"${user._version}"`);
    ctx.body = user;
  });

  router.patch('/users/:id', guard, async (ctx) => {
    const body = await jsonBody(ctx);
    const user = await (await usersService(ctx)).update(ctx.params.id!, body, expectedVersion(ctx, body));
    ctx.set('ETag', `"${user._version}"`);
    ctx.body = user;
  });

  router.post('/users/:id/reset-password', guard, async (ctx) => {
    const body = ctx.request.length ? await jsonBody(ctx, { limit: '16kb' }) : {};
    ctx.body = await (await usersService(ctx)).resetPassword(ctx.params.id!, body);
  });

  router.get('/departments', guard, async (ctx) => {
    ctx.body = { departments: await departmentsService(ctx).list() };
  });

  router.post('/departments', guard, async (ctx) => {
    const department = await departmentsService(ctx).create(await jsonBody(ctx));
    ctx.status = 201;
    ctx.set('Location', `/api/departments/${department.id}`);
    ctx.body = department;
  });

  router.patch('/departments/:id', guard, async (ctx) => {
    ctx.body = await departmentsService(ctx).update(ctx.params.id!, await jsonBody(ctx));
  });

  router.delete('/departments/:id', guard, async (ctx) => {
    await departmentsService(ctx).delete(ctx.params.id!);
    ctx.status = 204;
  });

  return router;
}

function str(value: string | string[] | undefined): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
