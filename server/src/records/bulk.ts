import type { Language } from '@metacrm/metadata';
import { problemDetails } from '../errors/problem-details.js';
import { toAppError } from '../errors/to-app-error.js';
import type { ApiRecord } from './record-document.js';
import { withLocalDuplicates } from './duplicate-check.js';
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
 * Runs up to 1,000 creates, updates and deletes, each through the full record pipeline,
 * and answers a result per item: one bad item does not stop the others, and nothing of
 * a failed item is written. Updates and deletes take a transaction each; a run of
 * consecutive creates is written in one (RecordService.createMany). `form` (optional, in the body
 * beside `operations`) names the form every create and update is checked against
 * instead of the entity's default form. Item errors' messages are in `lang`.
 */
export async function runBulk(
  service: RecordService,
  entity: string,
  body: unknown,
  lang: Language = 'en',
): Promise<{ results: BulkItemResult[]; summary: { succeeded: number; failed: number } }> {
  const { operations, form } = parse(body);
  service.compiled(entity); // an unknown entity fails the whole call with 404
  if (form !== undefined) service.formOf(entity, form, '/form'); // and so does an unknown form
  const options = form === undefined ? {} : { form };
  const results: BulkItemResult[] = [];
  for (let index = 0; index < operations.length; index++) {
    const operation = operations[index]!;
    if (operation.op === 'create') {
      // A run of creates is written in one transaction (createMany), each item still checked on its own.
      let end = index;
      while (end < operations.length && operations[end]!.op === 'create') end++;
      const created = await service.createMany(
        entity,
        operations.slice(index, end).map((o) => (o as { data: unknown }).data),
        options,
      );
      created.forEach((outcome, k) =>
        results.push(
          outcome instanceof Error
            ? failure(index + k, outcome, lang)
            : { index: index + k, status: 201, record: withLocalDuplicates(outcome, lang) },
        ),
      );
      index = end - 1;
      continue;
    }
    try {
      if (operation.op === 'update')
        results.push({
          index,
          status: 200,
          record: withLocalDuplicates(await service.update(entity, operation.id, operation.data, operation._version, options), lang),
        });
      else if (operation.op === 'change_owner')
        results.push({ index, status: 200, record: await service.changeOwner(entity, operation.id, { ownerId: operation.ownerId }) });
      else {
        await service.delete(entity, operation.id, operation._version === undefined ? {} : { expectedVersion: operation._version });
        results.push({ index, status: 204 });
      }
    } catch (err) {
      results.push(failure(index, err, lang));
    }
  }
  const failed = results.filter((r) => r.status >= 400).length;
  return { results, summary: { succeeded: results.length - failed, failed } };
}

/** The result of an item that failed; anything but a known error fails the whole call. */
/** An item's error, read as the same error would as an answer of its own. */
function failure(index: number, err: unknown, lang: Language): BulkItemResult {
  const known = toAppError(err);
  if (!known) throw err;
  return {
    index,
    status: known.status,
    error: { code: known.code, message: known.message, ...(known.details === undefined ? {} : { details: problemDetails(known, lang) }) },
  };
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
  if (version !== undefined && (!Number.isSafeInteger(version) || (version as number) < 1))
    throw BadRequest('_version must be a record version', { pointer: `${at}/_version` });
  if (o.op === 'create') return { op: 'create', data: o.data };
  if ((o.op === 'update' || o.op === 'delete') && typeof o.id === 'string') {
    return o.op === 'update'
      ? { op: 'update', id: o.id, data: o.data, ...(version === undefined ? {} : { _version: version as number }) }
      : { op: 'delete', id: o.id, ...(version === undefined ? {} : { _version: version as number }) };
  }
  if (o.op === 'change_owner' && typeof o.id === 'string') return { op: 'change_owner', id: o.id, ownerId: o.ownerId };
  throw BadRequest('op must be create, update (with id), delete (with id) or change_owner (with id and ownerId)', { pointer: `${at}/op` });
}
