import { defineError } from './app-error.js';

export const RouteNotFound = defineError('ROUTE_NOT_FOUND', 404, 'No such route');
export const MethodNotAllowed = defineError('METHOD_NOT_ALLOWED', 405, 'Method not allowed on this route');
export const BadRequest = defineError('BAD_REQUEST', 400, 'The request is malformed');
export const PayloadTooLarge = defineError('PAYLOAD_TOO_LARGE', 413, 'The request body is too large');
export const UnsupportedMediaType = defineError('UNSUPPORTED_MEDIA_TYPE', 415, 'The request body must be JSON');
export const DatabaseUnavailable = defineError('DATABASE_UNAVAILABLE', 503, 'The database is unavailable; try again shortly');
export const RedisUnavailable = defineError('REDIS_UNAVAILABLE', 503, 'Redis is unavailable; try again shortly');
export const ShuttingDown = defineError('SHUTTING_DOWN', 503, 'The server is shutting down; try again');
export const Internal = defineError('INTERNAL', 500, 'Internal error');
/** More API work than this process takes at once, and its short queue is full (or was waited in too long). */
export const ServerBusy = defineError('SERVER_BUSY', 503, 'The server is busy; try again shortly');
/** One user or API token has as many requests in flight as it may (Retry-After says when to try again). */
export const TooManyInFlight = defineError('TOO_MANY_IN_FLIGHT', 429, 'Too many requests at once; wait for some to finish');
/** The client closed its connection; the work it asked for was abandoned (nobody reads this answer). */
export const ClientClosedRequest = defineError('CLIENT_CLOSED_REQUEST', 499, 'The client closed the connection');
