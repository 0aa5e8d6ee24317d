import type { ErrorBody } from '@metacrm/metadata';
import { type AppError, BadRequest, Internal, PayloadTooLarge, RouteNotFound, UnsupportedMediaType, toAppError } from '../errors/index.js';
import { problemDetails } from '../errors/problem-details.js';
import type { Metrics } from '../observability/metrics.js';
import type { OutageLog } from '../observability/outage-log.js';
import { answerLanguage } from './answer-language.js';
import type { AppMiddleware } from './context.js';

/**
 * The one place errors become answers: `{error: {code, message, details, requestId}}`.
 * Details that name problems always read `{problems: [{pointer, code, message, params?}]}`,
 * with messages in the request's language (problemDetails).
 * Known errors keep their status and code; anything else is logged with its stack
 * and answered as a generic 500 that reveals nothing. 503s go to the outage log.
 */
export function errorHandler(metrics: Metrics, outages: OutageLog): AppMiddleware {
  return async (ctx, next) => {
    try {
      await next();
      // Nothing downstream answered: no route, no static file.
      if (ctx.status === 404 && ctx.body == null) throw RouteNotFound(`No route for ${ctx.method} ${ctx.path}`);
    } catch (err) {
      const appError = toAppError(err) ?? fromKoaHttpError(err);
      const error = appError ?? Internal();
      if (appError === undefined) {
        ctx.state.log.error({ err }, 'unhandled error');
      } else if (error.status === 503) {
        // An outage refuses every request: logged once with a count, not per request.
        outages.refused(error.code, causeMessage(error));
        ctx.state.counted503 = true;
      } else if (error.status >= 500) {
        ctx.state.log.warn({ code: error.code, cause: causeMessage(error) }, error.message);
      }
      metrics.httpErrors.inc({ code: error.code });
      const body: ErrorBody = { error: { code: error.code, message: error.message, requestId: ctx.state.requestId } };
      if (error.details !== undefined) body.error.details = problemDetails(error, answerLanguage(ctx));
      ctx.status = error.status;
      ctx.body = body;
      if (error.status === 503) ctx.set('Retry-After', '5');
      const retryAfter = (error.details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
      if (error.status === 429 && typeof retryAfter === 'number') ctx.set('Retry-After', String(retryAfter));
    }
  };
}

/** Errors thrown by Koa itself or body parsers carry `status` and `expose`. */
function fromKoaHttpError(err: unknown): AppError | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const { status, expose, message } = err as { status?: unknown; expose?: unknown; message?: unknown };
  if (typeof status !== 'number' || expose !== true) return undefined;
  const text = typeof message === 'string' ? message : undefined;
  if (status === 413) return PayloadTooLarge(text);
  if (status === 415) return UnsupportedMediaType(text);
  if (status >= 400 && status < 500) return BadRequest(text);
  return undefined;
}

function causeMessage(err: AppError): string | undefined {
  return err.cause instanceof Error ? err.cause.message : undefined;
}
