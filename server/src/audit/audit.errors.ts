import { defineError } from '../errors/app-error.js';

/** A bad filter or cursor on `GET /api/audit` (details: the pointer of the parameter). */
export const AuditQueryInvalid = defineError('AUDIT_QUERY_INVALID', 400, 'The audit query is not valid');
