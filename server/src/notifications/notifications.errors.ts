import { defineError } from '../errors/index.js';

/** No such notification for the current user (another user's answers the same, so ids cannot be probed). */
export const NotificationNotFound = defineError('NOTIFICATION_NOT_FOUND', 404, 'No such notification');
