import { ERROR_CODES, PROBLEM_CODES, type JsonSchema } from '@metacrm/metadata';
import { jsonResponse, object, responseRef, schemaRef, type OpenApiObject } from './refs.js';

/**
 * The error answers every route shares, as components: `Error` (the one error body),
 * `Problems` (a 422 whose details list problems with JSON pointers) and one response
 * per status. Every 4xx and 5xx in the document refers to these.
 */
export function errorSchemas(): Record<string, JsonSchema> {
  return {
    ErrorCode: {
      type: 'string',
      enum: [...ERROR_CODES],
      description: 'A stable code to switch on; the list is shared with the UIs (metadata/src/errors.ts).',
    },
    Error: object(
      {
        error: object(
          {
            code: schemaRef('ErrorCode'),
            message: { type: 'string', description: 'Safe to show; in English.' },
            details: {
              description:
                'Whenever an error names what is wrong (RECORD_INVALID, METADATA_INVALID, FILTER_*, SORT_*, BAD_REQUEST, WEBHOOK_PAYLOAD_INVALID, RECORD_UNIQUE_VIOLATION, ...), `{problems: [Problem]}`, beside context such as `field`; otherwise context only: `{currentVersion}` for a version conflict, `{entity, operation}` for a refused operation, ...',
            },
            requestId: { type: 'string', description: 'The request id (also in `X-Request-Id`), to quote when reporting a problem.' },
          },
          ['details', 'requestId'],
        ),
      },
      [],
      { description: 'The body of every error answer.' },
    ),
    Problem: object(
      {
        pointer: {
          type: 'string',
          description:
            'A JSON pointer into the document sent: `/amount`, `/query/limit`. Empty for the whole document. Metadata problems name items by key, not position: `/forms/deal_main/layout/tabs/main/...`, `/entities/deal/fields/amount/max`.',
        },
        code: {
          type: 'string',
          description: `A stable code: ${PROBLEM_CODES.join(', ')} (an import may add its own, such as AMBIGUOUS_REFERENCE).`,
        },
        message: {
          type: 'string',
          description:
            'Short, for a user, in the language of Accept-Language (zh-CN or en; English otherwise). The same problem reads the same through the API, an import and a workflow.',
        },
        params: {
          type: 'object',
          description:
            'What the message says, for a UI that words it itself: `label`, `min`/`max`, `minLength`/`maxLength`, `minItems`/`maxItems`, `format` (email, phone, url, date, date-time, decimal with `scale` or `digits`, id), `value` and `allowed` of an option, `property`, `rule` and `message` of a validation rule, `form`...',
        },
      },
      ['params'],
      { description: 'One thing wrong with a document.' },
    ),
    Problems: object(
      {
        error: object(
          {
            code: schemaRef('ErrorCode'),
            message: { type: 'string' },
            details: object({ problems: { type: 'array', items: schemaRef('Problem') } }),
            requestId: { type: 'string' },
          },
          ['requestId'],
        ),
      },
      [],
      {
        description:
          'A 422 answer (RECORD_INVALID, METADATA_INVALID): the error body whose details list every problem found at once (types, formats, options, ranges, required fields, rules, form conditions), each pointing at its place in the document.',
      },
    ),
  };
}

/** The shared error responses, by name. */
export const ERROR_RESPONSES = {
  BadRequest: {
    status: '400',
    description:
      'The request is malformed: BAD_REQUEST (a body that is not UTF-8, names another charset, is not JSON or is nested over 1,000 levels has one problem at pointer `""`: INVALID_UTF8, UNSUPPORTED_CHARSET, INVALID_JSON, TOO_DEEP; a `_version` that is not a positive integer, at `/_version`); a refused query (FILTER_*, SORT_*, CURSOR_INVALID, SEARCH_INVALID, TIME_ZONE_INVALID, AGGREGATE_INVALID) with `details.problems`; a refused import file (IMPORT_*); an upload to a field that takes no files or an empty file (ATTACHMENT_INVALID); or a webhook payload that does not fit its schema (WEBHOOK_PAYLOAD_INVALID, a problem with a pointer per mistake).',
  },
  Unauthorized: {
    status: '401',
    description:
      'AUTH_REQUIRED: no credential, or one that is unknown, expired or revoked, or whose user is inactive; AUTH_INVALID_CREDENTIALS, TWO_FACTOR_INVALID, AUTH_CHALLENGE_INVALID at sign-in.',
  },
  Forbidden: {
    status: '403',
    description:
      'FORBIDDEN (`details.right` for admin routes), CSRF_INVALID, TWO_FACTOR_SETUP_REQUIRED, PREVIEW_NOT_ALLOWED (a role preview by someone without the metadata admin right), PREVIEW_READ_ONLY (a write while previewing a role), or FIELD_NOT_READABLE: the filter, sort or search touches a field the caller may not read.',
  },
  TooManyRequests: {
    status: '429',
    description:
      'RATE_LIMITED (an API token over its requests per minute), TOO_MANY_IN_FLIGHT (a user, session or API token with as many requests in flight as it may have), LOGIN_THROTTLED or WEBHOOK_RATE_LIMITED (a webhook over its calls per minute); retry after `Retry-After` seconds.',
  },
  NotFound: {
    status: '404',
    description:
      'No such thing: ENTITY_NOT_FOUND, RECORD_NOT_FOUND, METADATA_ITEM_NOT_FOUND, METADATA_VERSION_NOT_FOUND, IMPORT_NOT_FOUND, EXPORT_VIEW_NOT_FOUND, WEBHOOK_NOT_FOUND, NOTIFICATION_NOT_FOUND, PERSONAL_VIEW_NOT_FOUND, ATTACHMENT_NOT_FOUND, ROUTE_NOT_FOUND.',
  },
  Conflict: {
    status: '409',
    description:
      'A conflict: RECORD_VERSION_CONFLICT (`details.currentVersion`), RECORD_UNIQUE_VIOLATION (`details.field` and a NOT_UNIQUE problem), RECORD_IN_USE (`details.references`), IMPORT_NOT_CANCELLABLE, PERSONAL_VIEW_CONFLICT, PERSONAL_VIEW_LIMIT, or a METADATA_* conflict.',
  },
  PayloadTooLarge: {
    status: '413',
    description: 'PAYLOAD_TOO_LARGE, IMPORT_FILE_TOO_LARGE, ATTACHMENT_TOO_LARGE (`details.field`, `details.maxBytes`).',
  },
  UnsupportedMediaType: {
    status: '415',
    description:
      'UNSUPPORTED_MEDIA_TYPE: the body is not in a media type this route takes; ATTACHMENT_TYPE_NOT_ALLOWED: the uploaded bytes are of a type that may not be attached.',
  },
  Unprocessable: { status: '422', description: 'The document is not valid: every problem, each with a JSON pointer.' },
  Internal: { status: '500', description: 'INTERNAL: an unexpected error, logged with the request id.' },
  Unavailable: {
    status: '503',
    description:
      'DATABASE_UNAVAILABLE, REDIS_UNAVAILABLE, SERVER_BUSY (more work than the server takes at once, and its short queue full) or SHUTTING_DOWN; retry after `Retry-After` seconds.',
  },
} as const;

/** The name of a shared error response. */
export type ErrorResponseName = keyof typeof ERROR_RESPONSES;

/** `components.responses` for the shared error responses. */
export function errorResponseComponents(): Record<string, OpenApiObject> {
  const out: Record<string, OpenApiObject> = {};
  for (const [name, { description }] of Object.entries(ERROR_RESPONSES)) {
    const headers =
      name === 'Unavailable' || name === 'TooManyRequests'
        ? { 'Retry-After': { description: 'Seconds to wait before retrying.', schema: { type: 'integer' } } }
        : undefined;
    out[name] = jsonResponse(description, schemaRef(name === 'Unprocessable' ? 'Problems' : 'Error'), headers);
  }
  return out;
}

/**
 * The error part of an operation's responses: the named ones, plus 500 and, for routes
 * under /api (which a readiness gate guards), 503.
 */
export function errorResponses(names: readonly ErrorResponseName[], options: { api?: boolean } = {}): Record<string, OpenApiObject> {
  const all: ErrorResponseName[] = [
    ...names,
    'Internal',
    ...(options.api === false ? [] : (['Unauthorized', 'TooManyRequests', 'Unavailable'] as const)),
  ];
  return Object.fromEntries(all.map((name) => [ERROR_RESPONSES[name].status, responseRef(name)]));
}
