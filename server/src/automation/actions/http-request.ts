import { compileLogic } from '@metacrm/metadata';
import { FORBIDDEN_HEADERS, outboundRequest, type OutboundResponse } from '../../net/outbound-http.js';
import type { ActionContext, WorkflowAction } from '../action-contract.js';
import { HttpRequestInvalid, HttpRequestRejected } from './actions.errors.js';
import { plannedAction } from './planned-action.js';
import { effectOnce } from './step-effects.js';
import { anyCase, renderJson, textSetting } from './step-values.js';

/** A response body larger than this (as JSON) is left out of the step output; mapResponse still sees it. */
export const MAX_KEPT_BODY = 32 * 1024;
/** Statuses below 500 that are still worth another try. */
const RETRYABLE_4XX = new Set([408, 425, 429]);

const TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
/** Header names a step may set: an HTTP token that is not hop-by-hop, Host, Content-Length or Idempotency-Key. */
const HEADER_NAME = `^(?!(?:${[...FORBIDDEN_HEADERS, 'idempotency-key'].map(anyCase).join('|')})$)${TOKEN}$`;
const LOGIC = { type: 'object', minProperties: 1, maxProperties: 1 } as const;
const TEXT = (maxLength: number) => ({ anyOf: [{ type: 'string', maxLength }, LOGIC] });

/**
 * `http_request`: calls an outside HTTP API through the SSRF guard.
 *
 * - `url`: a template whose placeholders are percent-encoded (`.../contacts/{{record.id}}`),
 *   or json-logic giving the whole URL as it is;
 * - `headers`: name → template; hop-by-hop headers, Host and Content-Length are refused;
 * - `body`: a text template (sent as `contentType`, default text/plain), or a JSON
 *   template (sent as application/json) whose json-logic nodes are evaluated;
 * - `timeoutSeconds` (default 10, at most 30); `mapResponse`: output name → json-logic
 *   over `{status, headers, body}` (body parsed when it is JSON).
 *
 * Every request carries `Idempotency-Key: <run>:<step>:…`, the same on every retry.
 * Output: `{status, headers, body, ...mapped}`. 5xx, 408, 429 and network failures are
 * retried; other 4xx fail the step at once (HTTP_REQUEST_REJECTED), as does a refusal
 * of the guard (OUTBOUND_BLOCKED). The call goes through effectOnce: a success is
 * recorded, so a replayed step answers it again instead of calling twice, and a call
 * that a dead worker left under way is not made again on its own (STEP_OUTCOME_UNKNOWN),
 * unless `receiverDeduplicates` says the receiver honours Idempotency-Key: then it is
 * sent again under the same key.
 */
export const httpRequestAction: WorkflowAction = plannedAction({
  type: 'http_request',
  external: true,
  configSchema: {
    type: 'object',
    properties: {
      method: { enum: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] },
      url: TEXT(2000),
      headers: {
        type: 'object',
        maxProperties: 50,
        propertyNames: { pattern: HEADER_NAME, maxLength: 100 },
        additionalProperties: { type: 'string', maxLength: 4000 },
      },
      body: { anyOf: [{ type: 'string', maxLength: 100_000 }, { type: 'object' }, { type: 'array' }] },
      contentType: { type: 'string', maxLength: 200, pattern: '^[\\w.+-]+/[\\w.+-]+( *;[ -~]*)?$' },
      timeoutSeconds: { type: 'integer', minimum: 1, maximum: 30 },
      mapResponse: { type: 'object', propertyNames: { pattern: '^[a-z][a-z0-9_]*$', maxLength: 64 }, maxProperties: 50 },
      receiverDeduplicates: { type: 'boolean' },
    },
    required: ['url'],
    additionalProperties: false,
  },
  plan: async (config, ctx) => buildRequest(config, ctx),
  async perform(request, ctx, config) {
    const act = async () => interpret(await outboundRequest(ctx.outbound, request), config, ctx);
    const { mappingError, ...output } = await effectOnce(ctx, 'http_request', act, {
      resendWhenUnsure: config.receiverDeduplicates === true,
    });
    // The call succeeded and is recorded as done; a mapping that fails fails the step, but never calls again.
    if (mappingError) {
      const { name, message } = mappingError as { name: string; message: string };
      throw HttpRequestInvalid(`mapResponse.${name}: ${message}`, [{ pointer: `/mapResponse/${name}`, code: 'INVALID' }]);
    }
    return { output };
  },
});

function buildRequest(config: Record<string, unknown>, ctx: ActionContext) {
  const headers: Record<string, string> = {};
  for (const [name, template] of Object.entries((config.headers ?? {}) as Record<string, string>)) {
    const value = textSetting(template, ctx, 'none');
    if (/[\r\n\0]/.test(value))
      throw HttpRequestInvalid(`The header ${name} would contain a line break`, [{ pointer: `/headers/${name}`, code: 'INVALID' }]);
    headers[name.toLowerCase()] = value;
  }
  let body: string | undefined;
  if (typeof config.body === 'string') {
    body = textSetting(config.body, ctx, 'none');
    headers['content-type'] ??= String(config.contentType ?? 'text/plain; charset=utf-8');
  } else if (config.body !== undefined) {
    body = JSON.stringify(renderJson(config.body, ctx) ?? null);
    headers['content-type'] ??= 'application/json';
  }
  headers['idempotency-key'] = ctx.idempotencyKey;
  headers['user-agent'] ??= 'metacrm-workflow';
  const url = textSetting(config.url, ctx, typeof config.url === 'string' ? 'url' : 'none');
  const method = String(config.method ?? (body === undefined ? 'GET' : 'POST'));
  if (body !== undefined && method === 'GET')
    throw HttpRequestInvalid('A GET request cannot carry a body', [{ pointer: '/body', code: 'INVALID' }]);
  return { method, url, headers, body, timeoutMs: Number(config.timeoutSeconds ?? 10) * 1000 };
}

/**
 * The step output, or the error that fails (4xx) or retries (5xx) the step. A
 * mapResponse that fails is reported in the output (`mappingError`): the call has
 * succeeded by then, and must be recorded as done.
 */
function interpret(response: OutboundResponse, config: Record<string, unknown>, ctx: ActionContext): Record<string, unknown> {
  const text = response.body.toString('utf8');
  let body: unknown = text;
  if (/\bjson\b/i.test(response.headers['content-type'] ?? '')) {
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  }
  const { status } = response;
  const excerpt = text.slice(0, 500);
  if (status >= 500 || RETRYABLE_4XX.has(status)) throw new Error(`HTTP ${status} from ${response.url}: ${excerpt}`);
  if (status >= 400) throw HttpRequestRejected(`HTTP ${status} from ${response.url}`, { status, url: response.url, body: excerpt });
  const mapped: Record<string, unknown> = {};
  for (const [name, expr] of Object.entries((config.mapResponse ?? {}) as Record<string, unknown>)) {
    try {
      mapped[name] = compileLogic(expr, ctx.registries.operations)({ status, headers: response.headers, body });
    } catch (err) {
      mapped.mappingError = { name, message: (err as Error).message };
      break;
    }
  }
  const kept = text.length <= MAX_KEPT_BODY ? { body } : { bodyOmitted: text.length };
  return { status, headers: response.headers, ...kept, ...mapped };
}
