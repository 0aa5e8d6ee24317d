import { defineError } from '../errors/app-error.js';

export const EntityNotFound = defineError('ENTITY_NOT_FOUND', 404, 'No such entity');
export const RecordNotFound = defineError('RECORD_NOT_FOUND', 404, 'No such record');
export const RecordInvalid = defineError('RECORD_INVALID', 422, 'The record is not valid');
export const RecordVersionConflict = defineError(
  'RECORD_VERSION_CONFLICT',
  409,
  'The record was changed by someone else; reload it and try again',
);
export const RecordUniqueViolation = defineError('RECORD_UNIQUE_VIOLATION', 409, 'Another record already has this value');
export const RecordInUse = defineError('RECORD_IN_USE', 409, 'Other records refer to this record');
export const FormNotFound = defineError('FORM_NOT_FOUND', 404, 'No such form of this entity');
export const ViewNotFound = defineError('VIEW_NOT_FOUND', 404, 'No such view of this entity');
