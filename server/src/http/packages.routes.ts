import Router from '@koa/router';
import type { Queue } from 'bullmq';
import { requireAdmin } from './require-admin.middleware.js';
import { BadRequest } from '../errors/index.js';
import { PackageService } from '../metadata/package.service.js';
import { SeedService } from '../records/seed/seed.service.js';
import type { AppContext, AppState } from './context.js';
import { jsonBody } from './json-body.js';
import type { MetadataRouteDeps } from './metadata.routes.js';

export interface PackageRouteDeps extends MetadataRouteDeps {
  /** The `jobs` queue, where seed loads run. */
  queue: Queue;
}

/** A package with records of up to 100,000 per entity arrives as one JSON body. */
export const PACKAGE_BODY_LIMIT = '50mb';

/**
 * App packages:
 * - `GET /api/meta/export?records=true&name=` → the current metadata (and records) as one package
 * - `POST /api/meta/import?dryRun=&onConflict=skip|overwrite` → into the draft, with a report
 * - `POST /api/meta/import?apply=true&…` → also publish, then load the seed records in the
 *   worker: 202 with the seed load when the package has records
 * - `GET /api/meta/seed-loads/{id}` → a seed load with its progress, counts and errors
 */
export function packageRoutes(deps: PackageRouteDeps): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/meta' });
  router.use(requireAdmin('metadata'));
  const packages = (ctx: AppContext) => new PackageService({ ...deps, actor: ctx.state.actor });
  const seeds = (ctx: AppContext) => new SeedService({ ...deps, actor: ctx.state.actor });

  router.get('/export', async (ctx) => {
    const name = packageName(ctx.query.name);
    const pkg = await packages(ctx).export({ withRecords: flag(ctx, 'records'), ...(name ? { name } : {}) });
    ctx.set('Content-Disposition', `attachment; filename="${pkg.name}-${pkg.version}.json"`);
    ctx.body = pkg;
  });

  router.post('/import', async (ctx) => {
    const onConflict = ctx.query.onConflict ?? 'skip';
    if (onConflict !== 'skip' && onConflict !== 'overwrite')
      throw BadRequest('onConflict must be skip or overwrite', [{ pointer: '/query/onConflict', code: 'NOT_ALLOWED_VALUE' }]);
    const apply = flag(ctx, 'apply');
    const dryRun = flag(ctx, 'dryRun');
    const pkg = await jsonBody(ctx, { limit: PACKAGE_BODY_LIMIT });
    if (!apply) {
      ctx.body = await packages(ctx).import(pkg, { dryRun, onConflict });
      return;
    }
    const report = await seeds(ctx).apply(pkg, { dryRun, onConflict });
    if (report.seedLoad) {
      ctx.status = 202;
      ctx.set('Location', `/api/meta/seed-loads/${report.seedLoad.id}`);
    }
    ctx.body = report;
  });

  router.get('/seed-loads/:id', async (ctx) => {
    ctx.body = await seeds(ctx).get(ctx.params.id!);
  });

  return router;
}

/**
 * The `name` of an exported package: absent, or a metadata key (what an import checks
 * it against). Anything else answers 400 naming the parameter, rather than a package
 * silently named otherwise.
 */
function packageName(value: string | string[] | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string' && /^[a-z][a-z0-9_]{0,47}$/.test(value)) return value;
  throw BadRequest('name must be a key: lower case letters, digits and underscores, starting with a letter, at most 48 characters', [
    { pointer: '/query/name', code: 'BAD_FORMAT' },
  ]);
}

/** A boolean query parameter: `true`, `false` or absent. */
function flag(ctx: AppContext, name: string): boolean {
  const value = ctx.query[name];
  if (value === undefined || value === 'false') return false;
  if (value === 'true') return true;
  throw BadRequest(`${name} must be true or false`, [{ pointer: `/query/${name}`, code: 'NOT_ALLOWED_VALUE' }]);
}
