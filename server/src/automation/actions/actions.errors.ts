import { defineError } from '../../errors/index.js';

/**
 * Failures of the steps that reach outside. All are permanent for the executor
 * (status below 500): the same settings or the same answer would fail again, so the
 * run fails at once with the reason instead of retrying.
 */

/** The step's settings, once evaluated, do not make a valid request (details carry the pointer). */
export const HttpRequestInvalid = defineError('HTTP_REQUEST_INVALID', 422, 'The HTTP step does not make a valid request');
/** The receiver answered 4xx (other than 408 and 429, which are retried). */
export const HttpRequestRejected = defineError('HTTP_REQUEST_REJECTED', 422, 'The receiver refused the request');
/** A send_email step ran with no SMTP_URL / MAIL_FROM configured. */
export const EmailNotConfigured = defineError('EMAIL_NOT_CONFIGURED', 422, 'Email is not configured: set SMTP_URL and MAIL_FROM');
/** A recipient is not an email address, or there are none or too many. */
export const EmailInvalid = defineError('EMAIL_INVALID', 422, 'The email cannot be sent as set up');
/** A notify step names no valid user, or its text is empty. */
export const NotificationInvalid = defineError('NOTIFICATION_INVALID', 422, 'The notification cannot be created as set up');
/**
 * A call or email that an earlier execution of the step had under way when its worker
 * died: it may have taken effect, so it is not repeated unless the run is retried.
 */
export const StepOutcomeUnknown = defineError(
  'STEP_OUTCOME_UNKNOWN',
  422,
  'The step was cut short while under way; whether it took effect is unknown',
);
