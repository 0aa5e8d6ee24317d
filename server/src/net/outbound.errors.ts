import { defineError } from '../errors/index.js';

/**
 * Outbound HTTP refused or cut short. Statuses steer workflow retries: below 500 is
 * permanent (the same request would be refused or too large again), 504 is retried.
 */

/** The URL, a redirect or the address it resolves to is not one the platform may reach; details say why. */
export const OutboundBlocked = defineError('OUTBOUND_BLOCKED', 403, 'The outbound request was refused');
/** No connection or no complete answer within the time allowed. */
export const OutboundTimeout = defineError('OUTBOUND_TIMEOUT', 504, 'The outbound request timed out');
/** The answer (after decompression) is larger than the cap. */
export const OutboundTooLarge = defineError('OUTBOUND_TOO_LARGE', 422, 'The outbound response is too large');
