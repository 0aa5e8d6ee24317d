import type { FieldTypeDefinition, Problem, Registry } from '@metacrm/metadata';
import type { Db } from 'mongodb';
import { AppError } from '../../errors/app-error.js';
import type { MetadataSnapshot } from '../../metadata/metadata-cache.js';
import type { AnyField } from '../compiled-entity.js';
import { RecordInvalid } from '../records.errors.js';
import { convertCell, resolveDisplayValues } from './import-convert.js';
import type { ImportRowError } from './import-job.js';
import type { SheetRow } from './import-sheet.js';

/** A mapped column with the field it fills. */
export interface ColumnPlan {
  column: string;
  index: number;
  field: AnyField;
}

/** A row converted to API input, with the display values it still has to look up. */
export interface PreparedRow {
  row: number;
  input: Record<string, unknown>;
  errors: ImportRowError[];
  lookups: { plan: ColumnPlan; text: string }[];
}

/** Converts the mapped cells of one row; conversion problems become row errors. */
export function prepareRow(plan: readonly ColumnPlan[], row: SheetRow, fieldTypes?: Registry<FieldTypeDefinition>): PreparedRow {
  const prepared: PreparedRow = { row: row.number, input: {}, errors: [], lookups: [] };
  for (const column of plan) {
    const result = convertCell(row.cells[column.index] ?? null, column.field, fieldTypes);
    if (result.kind === 'value') prepared.input[column.field.key] = result.value;
    else if (result.kind === 'lookup') prepared.lookups.push({ plan: column, text: result.text });
    else if (result.kind === 'problem') prepared.errors.push(rowError(row.number, column, result.code, result.message, result.params));
  }
  return prepared;
}

/**
 * Turns the display values of a batch of rows into record ids: one query per lookup
 * field for the whole batch. A value that matches no live record, or several, is a row error.
 */
export async function resolveLookups(db: Db, snapshot: MetadataSnapshot, rows: readonly PreparedRow[]): Promise<void> {
  const wanted = new Map<string, { field: AnyField; texts: Set<string> }>();
  for (const row of rows) {
    for (const { plan, text } of row.lookups) {
      const entry = wanted.get(plan.field.key) ?? { field: plan.field, texts: new Set<string>() };
      entry.texts.add(text);
      wanted.set(plan.field.key, entry);
    }
  }
  const resolved = new Map<string, Awaited<ReturnType<typeof resolveDisplayValues>>>();
  for (const [key, { field, texts }] of wanted) resolved.set(key, await resolveDisplayValues(db, snapshot, field, texts));
  for (const row of rows) {
    for (const { plan, text } of row.lookups) {
      const found = resolved.get(plan.field.key)?.get(text);
      if (found && 'id' in found) row.input[plan.field.key] = found.id;
      else if (found) row.errors.push(rowError(row.row, plan, found.code, found.message));
    }
  }
}

/** Validation problems of the record pipeline as row errors, naming field and column. */
export function problemErrors(row: number, plan: readonly ColumnPlan[], problems: readonly Problem[]): ImportRowError[] {
  return problems.map((p) => fieldError(row, plan, p.pointer.split('/')[1], p.code, p.message, p.params));
}

/**
 * A refused write as row errors: invalid values, a unique value taken, a conflict. Answers
 * undefined for anything else (the database went away...), which fails the attempt and
 * is retried from the last checkpoint.
 */
export function writeErrors(row: number, plan: readonly ColumnPlan[], err: unknown): ImportRowError[] | undefined {
  if (RecordInvalid.is(err)) {
    const problems = (err.details as { problems?: Problem[] } | undefined)?.problems ?? [];
    return problems.length > 0 ? problemErrors(row, plan, problems) : [fieldError(row, plan, undefined, err.code, err.message)];
  }
  if (err instanceof AppError && err.status < 500) {
    const field = (err.details as { field?: unknown } | undefined)?.field;
    return [fieldError(row, plan, typeof field === 'string' ? field : undefined, err.code, err.message)];
  }
  return undefined;
}

/** A row error about `field` (if any), naming the column it came from. */
function fieldError(
  row: number,
  plan: readonly ColumnPlan[],
  field: string | undefined,
  code: string,
  message: string,
  params?: Record<string, unknown>,
): ImportRowError {
  const column = field ? plan.find((c) => c.field.key === field) : undefined;
  if (column) return rowError(row, column, code, message, params);
  return withParams(field ? { row, field, code, message } : { row, code, message }, params);
}

function rowError(row: number, column: ColumnPlan, code: string, message: string, params?: Record<string, unknown>): ImportRowError {
  return withParams({ row, column: column.column, field: column.field.key, code, message }, params);
}

function withParams(error: ImportRowError, params: Record<string, unknown> | undefined): ImportRowError {
  return params === undefined ? error : { ...error, params };
}
