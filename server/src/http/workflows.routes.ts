import Router from '@koa/router';
import type { Queue } from 'bullmq';
import { requireAdmin } from './require-admin.middleware.js';
import { draftSnapshot } from '../metadata/metadata-cache.js';
import { WorkflowService, type WorkflowServiceOptions } from '../automation/workflow.service.js';
import type { AppContext, AppState } from './context.js';
import { jsonBody } from './json-body.js';
import type { RecordRouteDeps } from './records.routes.js';

/**
 * Workflows and their runs: list, switch on and off, the run list (the dead-letter list
 * is `status=failed`), a run with its step log, retry from the failed step, start a
 * manual workflow, and a dry run over a sample record.
 */
export function workflowRoutes(
  deps: RecordRouteDeps & { queue: Queue; automation?: WorkflowServiceOptions['automation'] },
): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/workflows' });
  const service = async (ctx: AppContext, options: { draft?: boolean } = {}) =>
    new WorkflowService({
      db: deps.db,
      snapshot: options.draft ? await draftSnapshot(deps.db, deps.cache) : await deps.cache.current(),
      registries: deps.registries,
      actor: ctx.state.actor,
      queue: deps.queue,
      logger: ctx.state.log,
      hooks: deps.hooks,
      automation: deps.automation,
    });
  const text = (ctx: AppContext, name: string) => (typeof ctx.query[name] === 'string' ? (ctx.query[name] as string) : undefined);

  // Starting a manual workflow is for anyone who may read its records (checked by the
  // record engine); everything else here is the automation administrator's.
  const admin = requireAdmin('metadata');

  router.get('/', admin, async (ctx) => {
    ctx.body = { workflows: await (await service(ctx)).list() };
  });
  router.get('/runs', admin, async (ctx) => {
    const limit = text(ctx, 'limit');
    ctx.body = await (
      await service(ctx)
    ).runs({
      workflow: text(ctx, 'workflow'),
      status: text(ctx, 'status'),
      record: text(ctx, 'record'),
      before: text(ctx, 'before'),
      limit: limit && /^\d{1,3}$/.test(limit) ? Number(limit) : undefined,
    });
  });
  router.get('/runs/:id', admin, async (ctx) => {
    ctx.body = await (await service(ctx)).run(ctx.params.id!);
  });
  router.post('/runs/:id/retry', admin, async (ctx) => {
    ctx.body = await (await service(ctx)).retry(ctx.params.id!);
  });
  router.post('/:key/enable', admin, async (ctx) => {
    await (await service(ctx)).setEnabled(ctx.params.key!, true);
    ctx.status = 204;
  });
  router.post('/:key/disable', admin, async (ctx) => {
    await (await service(ctx)).setEnabled(ctx.params.key!, false);
    ctx.status = 204;
  });
  router.post('/:key/trigger', async (ctx) => {
    ctx.status = 202;
    ctx.body = await (await service(ctx)).trigger(ctx.params.key!, await jsonBody(ctx));
  });
  router.post('/:key/dry-run', admin, async (ctx) => {
    // `draft=true`: the draft's workflow over the draft's entities, as the designer tries it before a publish.
    const draft = ctx.query.draft === 'true';
    ctx.body = await (await service(ctx, { draft })).dryRun(ctx.params.key!, await jsonBody(ctx));
  });

  return router;
}
