import { defineError } from '../../errors/index.js';

/** No active webhook workflow with that key and secret (a wrong secret answers the same). */
export const WebhookNotFound = defineError('WEBHOOK_NOT_FOUND', 404, 'No such webhook');
/** The payload does not satisfy the workflow's schema; details are problems with JSON pointers into it. */
export const WebhookPayloadInvalid = defineError('WEBHOOK_PAYLOAD_INVALID', 400, "The payload does not match the webhook's schema");
/** The workflow's payload schema cannot be compiled or is too large; an admin must fix the workflow. */
export const WebhookSchemaInvalid = defineError('WEBHOOK_SCHEMA_INVALID', 500, "The webhook's payload schema is not usable");
/** More calls to this webhook in the current minute than its `ratePerMinute`. */
export const WebhookRateLimited = defineError('WEBHOOK_RATE_LIMITED', 429, 'Too many calls to this webhook; try again shortly');
