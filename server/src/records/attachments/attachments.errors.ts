import { defineError } from '../../errors/app-error.js';

export const AttachmentNotFound = defineError('ATTACHMENT_NOT_FOUND', 404, 'No such attachment');
export const AttachmentTooLarge = defineError('ATTACHMENT_TOO_LARGE', 413, 'The file is larger than attachments may be');
export const AttachmentTypeNotAllowed = defineError('ATTACHMENT_TYPE_NOT_ALLOWED', 415, 'Files of this type may not be attached');
export const AttachmentInvalid = defineError('ATTACHMENT_INVALID', 400, 'The upload is not valid');
