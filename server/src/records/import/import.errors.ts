import { defineError } from '../../errors/app-error.js';

export const ImportFileInvalid = defineError('IMPORT_FILE_INVALID', 400, 'The file is not a readable CSV or XLSX file');
export const ImportFileTooLarge = defineError('IMPORT_FILE_TOO_LARGE', 413, 'The file is too large to import');
export const ImportTooManyRows = defineError('IMPORT_TOO_MANY_ROWS', 400, 'The file has too many rows to import');
export const ImportTooManyColumns = defineError('IMPORT_TOO_MANY_COLUMNS', 400, 'The file has too many columns to import');
export const ImportMappingInvalid = defineError('IMPORT_MAPPING_INVALID', 400, 'The column mapping does not fit the file or the entity');
export const ImportNotFound = defineError('IMPORT_NOT_FOUND', 404, 'No such import');
export const ImportNotCancellable = defineError('IMPORT_NOT_CANCELLABLE', 409, 'The import has already finished');
