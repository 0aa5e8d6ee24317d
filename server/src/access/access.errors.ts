import { defineError } from '../errors/app-error.js';

/** The actor's roles do not grant this operation on this entity (details: entity, operation). */
export { Forbidden } from '../auth/auth.errors.js';
/** A write while an administrator previews a role (details: entity, operation, role). */
export { PreviewReadOnly } from '../auth/auth.errors.js';
/** A write names fields the actor may not write (details: fields, with pointers). */
export const FieldNotWritable = defineError('FIELD_NOT_WRITABLE', 403, 'You may not change some of these fields');
export const ShareInvalid = defineError('SHARE_INVALID', 400, 'The share is not valid');
export const ShareNotFound = defineError('SHARE_NOT_FOUND', 404, 'No such share');
