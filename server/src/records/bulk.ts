import type { Language } from '@metacrm/metadata';
import { problemDetails } from '../errors/problem-details.js';
import { toAppError } from '../errors/to-app-error.js';
import type { ApiRecord } from './record-document.js';
import type { RecordService } from './record.service.js';
import { BadRequest } from '../errors/platform.errors.js';

export const BULK_LIMIT = 1000;

export type BulkOperation =
  | { op: 'create'; data: unknown }
  | { op: 'update'; id: string; data: unknown; _version?: number }
  | { op: 'delete'; id: string; _version?: number }
  | { op: 'change_owner'; id: string; ownerId: unknown };

export interface BulkItemResult {
  index: number;
  status: number;
  record?: ApiRecord;
  error?: { code: string; message: string; details?: unknown };
}

/**
 * Runs up to 1,000 creates, updates and deletes, each through the full record pipeline
 * in its own transaction, and answers a result per item: one bad item does not stop
 * the others, and nothing of a failed item is written. `form` (optional, in the body
 * beside `operations`) names the form every create and update is checked against
 * instead of the entity's default form. Item errors' messages are in `lang`.
 */
export async function runBulk(service: RecordService, entity: string, body: unknown, lang: Language = 'en'): Promise<{ results: BulkItemResult[]; summary: { succeeded: number; failed: number } }> {
  const { operations, form } = parse(body);
  service.compiled(entity); // an unknown entity fails the whole call with 404
  if (form !== undefined) service.formOf(entity, form, '/form'); // and so does an unknown form
  const options = form === undefined ? {} : { form };
  const results: BulkItemResult[] = [];
  for (const [index, operation] of operations.entries()) {
    try {
      if (operation.op === 'create') results.push({ index, status: 201, record: await service.create(entity, operation.data, options) });
      else if (operation.op === 'update') results.push({ index, status: 200, record: await service.update(entity, operation.id, operation.data, operation._version, options) });
      else if (operation.op === 'change_owner') results.push({ index, status: 200, record: await service.changeOwner(entity, operation.id, { ownerId: operation.ownerId }) });
      else {
        await service.delete(entity, operation.id, operation._version === undefined ? {} : { expectedVersion: operation._version });
        results.push({ index, status: 204 });
      }
    } catch (err) {
      const known = toAppError(err);
      if (!known) throw err;
      // Each item's error reads as the same error would as an answer of its own.
      results.push({ index, status: known.status, error: { code: known.code, message: known.message, ...(known.details === undefined ? {} : { details: problemDetails(known, lang) }) } });
    }
  }
  const failed = results.filter((r) => r.status >= 400).length;
  return { results, summary: { succeeded: results.length - failed, failed } };
}

function parse(body: unknown): { operations: BulkOperation[]; form: string | undefined } {
  const { operations, form } = (body ?? {}) as { operations?: unknown; form?: unknown };
  if (!Array.isArray(operations) || operations.length === 0 || operations.length > BULK_LIMIT) {
    throw BadRequest(`operations must be a list of 1 to ${BULK_LIMIT} items`, { pointer: '/operations' });
  }
  if (form != null && typeof form !== 'string') throw BadRequest('form must be the key of a form', { pointer: '/form' });
  return { operations: operations.map(parseOperation), form: form ?? undefined }; // null: the default form, as when absent
}

function parseOperation(item: unknown, i: number): BulkOperation {
  const o = item as Record<string, unknown> | null;
  const at = `/operations/${i}`;
  if (o === null || typeof o !== 'object' || Array.isArray(o)) throw BadRequest('each operation must be an object', { pointer: at });
  const version = o._version;
  if (version !== undefined && (!Number.isSafeInteger(version) || (version as number) < 1)) throw BadRequest('_version must be a record version', { pointer: `${at}/_version` });
  if (o.op === 'create') return { op: 'create', data: o.data };
  if ((o.op === 'update' || o.op === 'delete') && typeof o.id === 'string') {
    return o.op === 'update' ? { op: 'update', id: o.id, data: o.data, ...(version === undefined ? {} : { _version: version as number }) } : { op: 'delete', id: o.id, ...(version === undefined ? {} : { _version: version as number }) };
  }
  if (o.op === 'change_owner' && typeof o.id === 'string') return { op: 'change_owner', id: o.id, ownerId: o.ownerId };
  throw BadRequest('op must be create, update (with id), delete (with id) or change_owner (with id and ownerId)', { pointer: `${at}/op` });
}
