/**
 * Every error code the API can answer with. Both UIs switch on these, so the list
 * lives here, in the package they share with the server. Each domain adds its codes
 * as it lands; the server's error definitions are typed against this union.
 */
export const ERROR_CODES = [
  // platform
  'INTERNAL',
  'NOT_FOUND',
  'ROUTE_NOT_FOUND',
  'METHOD_NOT_ALLOWED',
  'BAD_REQUEST',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'DATABASE_UNAVAILABLE',
  'REDIS_UNAVAILABLE',
  'SHUTTING_DOWN',
  // overload (server/src/http/load-shedding.ts)
  'SERVER_BUSY',
  'TOO_MANY_IN_FLIGHT',
  'CLIENT_CLOSED_REQUEST',
  // sign-in, sessions, tokens, users (server/src/auth)
  'AUTH_REQUIRED',
  'AUTH_INVALID_CREDENTIALS',
  'AUTH_CHALLENGE_INVALID',
  'CSRF_INVALID',
  'FORBIDDEN',
  'LOGIN_THROTTLED',
  'RATE_LIMITED',
  'PASSWORD_INCORRECT',
  'TWO_FACTOR_INVALID',
  'TWO_FACTOR_CONFLICT',
  'TWO_FACTOR_SETUP_REQUIRED',
  'PREVIEW_NOT_ALLOWED',
  'PREVIEW_ROLE_UNKNOWN',
  'PREVIEW_READ_ONLY',
  'TOKEN_NOT_FOUND',
  'USER_INVALID',
  'USER_NOT_FOUND',
  'USER_EMAIL_TAKEN',
  'USER_VERSION_CONFLICT',
  'DEPARTMENT_INVALID',
  'DEPARTMENT_NOT_FOUND',
  'DEPARTMENT_IN_USE',
  'SETTINGS_INVALID',
  'AUDIT_QUERY_INVALID',
  // metadata
  'METADATA_INVALID',
  'METADATA_ITEM_NOT_FOUND',
  'METADATA_VERSION_NOT_FOUND',
  'METADATA_CONFLICT',
  'METADATA_MIGRATION_BLOCKED',
  'METADATA_PUBLISH_BUSY',
  'METADATA_NOTHING_TO_PUBLISH',
  // app packages: seed records loaded after an import
  'SEED_LOAD_NOT_FOUND',
  'SEED_LOAD_BUSY',
  // records
  'ENTITY_NOT_FOUND',
  'RECORD_NOT_FOUND',
  'RECORD_INVALID',
  'RECORD_VERSION_CONFLICT',
  'RECORD_UNIQUE_VIOLATION',
  'RECORD_IN_USE',
  'FORM_NOT_FOUND',
  'VIEW_NOT_FOUND',
  // files attached to records (server/src/records/attachments)
  'ATTACHMENT_NOT_FOUND',
  'ATTACHMENT_TOO_LARGE',
  'ATTACHMENT_TYPE_NOT_ALLOWED',
  'ATTACHMENT_INVALID',
  // record queries (filter, sort, cursor, search)
  'FILTER_INVALID',
  'FILTER_FIELD_UNKNOWN',
  'FILTER_OPERATOR_NOT_ALLOWED',
  'FILTER_VALUE_INVALID',
  'FILTER_TOO_COMPLEX',
  'FIELD_NOT_READABLE',
  'SORT_INVALID',
  'SORT_FIELD_UNKNOWN',
  'CURSOR_INVALID',
  'SEARCH_INVALID',
  'TIME_ZONE_INVALID',
  // record import and export
  'IMPORT_FILE_INVALID',
  'IMPORT_FILE_TOO_LARGE',
  'IMPORT_TOO_MANY_ROWS',
  'IMPORT_TOO_MANY_COLUMNS',
  'IMPORT_MAPPING_INVALID',
  'IMPORT_NOT_FOUND',
  'IMPORT_NOT_CANCELLABLE',
  'EXPORT_VIEW_NOT_FOUND',
  // record aggregates (reports, charts)
  'AGGREGATE_INVALID',
  // access control (FORBIDDEN is above, with sign-in)
  'FIELD_NOT_WRITABLE',
  'SHARE_INVALID',
  'SHARE_NOT_FOUND',
  // workflows
  'WORKFLOW_NOT_FOUND',
  'WORKFLOW_RUN_NOT_FOUND',
  'WORKFLOW_RUN_NOT_RETRYABLE',
  'WORKFLOW_TRIGGER_INVALID',
  'WORKFLOW_NO_APPROVERS',
  'WORKFLOW_NO_ASSIGNEE',
  'WORKFLOW_REFUSED',
  'WORKFLOW_APPROVAL_NOT_FOUND',
  'WORKFLOW_APPROVAL_DECIDED',
  'RECORD_LOCKED',
  // workflow steps that reach outside: outbound HTTP, email, notifications, webhooks
  'OUTBOUND_BLOCKED',
  'OUTBOUND_TIMEOUT',
  'OUTBOUND_TOO_LARGE',
  'HTTP_REQUEST_INVALID',
  'HTTP_REQUEST_REJECTED',
  'EMAIL_NOT_CONFIGURED',
  'EMAIL_INVALID',
  'NOTIFICATION_INVALID',
  'NOTIFICATION_NOT_FOUND',
  'STEP_OUTCOME_UNKNOWN',
  'WEBHOOK_NOT_FOUND',
  'WEBHOOK_PAYLOAD_INVALID',
  'WEBHOOK_SCHEMA_INVALID',
  'WEBHOOK_RATE_LIMITED',
  // the runtime UI: a user's own saved views and column preferences
  'PERSONAL_VIEW_INVALID',
  'PERSONAL_VIEW_NOT_FOUND',
  'PERSONAL_VIEW_CONFLICT',
  'PERSONAL_VIEW_LIMIT',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** The body of every error answer: `{error: {code, message, details}}`. */
export interface ErrorBody {
  error: {
    code: ErrorCode;
    message: string;
    /** Per-problem details; validation problems carry a JSON pointer to the field. */
    details?: unknown;
    /** The request id, to quote when reporting a problem. */
    requestId?: string;
  };
}
