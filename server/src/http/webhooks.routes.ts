import Router from '@koa/router';
import { requireAdmin } from './require-admin.middleware.js';
import { WebhookService, type WebhookServiceDeps } from '../automation/webhooks/webhook.service.js';
import { WebhookRateLimited } from '../automation/webhooks/webhooks.errors.js';
import { BadRequest } from '../errors/index.js';
import type { AppState } from './context.js';
import { jsonBody } from './json-body.js';

/** A caller's Idempotency-Key: printable ASCII, at most 200 characters. */
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;

/**
 * Inbound webhooks and their secrets:
 * - `POST /api/hooks/{workflow}.{secret}` → 202 `{runId, status, replayed}`: a run of the
 *   workflow with the JSON body as `input`; `Idempotency-Key` makes a repeated call
 *   answer the run the first one started. Authenticated by the secret alone.
 * - `POST /api/workflows/{key}/webhook-secret` → 201 with a new secret and the path to
 *   call (the old secret stops working); the only answer that ever shows the secret.
 *   Metadata administrators only.
 */
export function webhookRoutes(deps: WebhookServiceDeps): Router<AppState> {
  const router = new Router<AppState>();
  const hooks = new WebhookService(deps);

  router.post('/api/hooks/:key', async (ctx) => {
    const hook = await hooks.open(ctx.params.key!).catch((err: unknown) => {
      if (WebhookRateLimited.is(err)) ctx.set('Retry-After', String((err.details as { retryAfter: number }).retryAfter));
      throw err;
    });
    const idempotencyKey = ctx.get('Idempotency-Key') || undefined;
    if (idempotencyKey !== undefined && !IDEMPOTENCY_KEY.test(idempotencyKey)) {
      throw BadRequest('Idempotency-Key must be 1 to 200 printable ASCII characters', [
        { pointer: '/headers/Idempotency-Key', code: 'BAD_FORMAT' },
      ]);
    }
    const payload = await jsonBody(ctx, { limit: `${hook.maxBytes}b` });
    const answer = await hooks.start(hook, payload, idempotencyKey);
    ctx.status = answer.runId === null ? 200 : 202;
    ctx.body = answer;
  });

  router.post('/api/workflows/:key/webhook-secret', requireAdmin('metadata'), async (ctx) => {
    const issued = await hooks.issueSecret(ctx.params.key!, ctx.state.actor.id);
    ctx.status = 201;
    ctx.set('Cache-Control', 'no-store');
    ctx.body = issued;
  });

  return router;
}
