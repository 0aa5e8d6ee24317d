import type { Problem } from '@metacrm/metadata';
import { AppError } from '../../errors/app-error.js';
import { RecordInvalid } from '../records.errors.js';
import type { SeedError } from './seed-load.js';

/** One package record at its place in the package. */
export interface Row {
  entity: string;
  record: Record<string, unknown>;
  /** Its id in the package; undefined when missing or repeated (then `problem` says so). */
  sourceId: string | undefined;
  problem?: SeedError;
}

/** The package's records of one entity, each with its id, or why it has none usable. */
export function rowsOf(entity: string, records: readonly Record<string, unknown>[]): Row[] {
  const seen = new Set<string>();
  return records.map((record) => {
    const id = record.id;
    if (typeof id !== 'string' || id === '' || id.length > 200) {
      return {
        entity,
        record,
        sourceId: undefined,
        problem: {
          entity,
          sourceId: typeof id === 'string' ? id.slice(0, 200) : '',
          pointer: '/id',
          code: 'REQUIRED',
          message: 'a package record needs an id: a string of 1 to 200 characters',
        },
      };
    }
    if (seen.has(id))
      return {
        entity,
        record,
        sourceId: undefined,
        problem: {
          entity,
          sourceId: id,
          pointer: '/id',
          code: 'DUPLICATE_KEY',
          message: `another ${entity} record of the package has the id "${id}"`,
        },
      };
    seen.add(id);
    return { entity, record, sourceId: id };
  });
}

export function problemError(entity: string, sourceId: string, problem: Problem): SeedError {
  return { entity, sourceId, pointer: problem.pointer, code: problem.code, message: problem.message };
}

/**
 * A refused write as errors of the package record: invalid values, a unique value taken.
 * Answers undefined for anything else (the database went away...), which fails the
 * attempt; the job is retried from the last checkpoint.
 */
export function writeErrors(entity: string, sourceId: string, err: unknown): SeedError[] | undefined {
  if (RecordInvalid.is(err)) {
    const problems = (err.details as { problems?: Problem[] } | undefined)?.problems ?? [];
    if (problems.length > 0) return problems.map((p) => problemError(entity, sourceId, p));
  }
  if (err instanceof AppError && err.status < 500) {
    const details = err.details as { pointer?: unknown; field?: unknown } | undefined;
    const pointer = typeof details?.pointer === 'string' ? details.pointer : typeof details?.field === 'string' ? `/${details.field}` : '';
    return [{ entity, sourceId, pointer, code: err.code, message: err.message }];
  }
  return undefined;
}
