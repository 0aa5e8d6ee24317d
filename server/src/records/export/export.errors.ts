import { defineError } from '../../errors/app-error.js';

export const ExportViewNotFound = defineError('EXPORT_VIEW_NOT_FOUND', 404, 'No such view of this entity');
