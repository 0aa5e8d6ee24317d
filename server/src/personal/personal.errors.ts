import { defineError } from '../errors/app-error.js';

export const PersonalViewInvalid = defineError('PERSONAL_VIEW_INVALID', 422, 'The view is not valid');
export const PersonalViewNotFound = defineError('PERSONAL_VIEW_NOT_FOUND', 404, 'No such view of yours');
export const PersonalViewConflict = defineError('PERSONAL_VIEW_CONFLICT', 409, 'The view was changed elsewhere; reload it and try again');
export const PersonalViewLimit = defineError('PERSONAL_VIEW_LIMIT', 409, 'You have too many saved views; delete one first');
