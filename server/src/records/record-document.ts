import { ObjectId, type Document } from 'mongodb';
import type { CompiledEntity } from './compiled-entity.js';
import { fromStorage, toStorage } from '../record-storage/field-codec.js';

/** A record as the API shows it: `id`, the system fields, then field values. */
export type ApiRecord = Record<string, unknown> & { id: string; _version: number };

/** Values of fields keyed by field key, in API form (null means no value). */
export type Values = Record<string, unknown>;

const SYSTEM_OUT = ['_version', '_createdAt', '_updatedAt', '_createdBy', '_updatedBy', '_ownerId', '_deletedAt'] as const;

/** Stored document → API record, optionally only some fields. */
export function toApiRecord(compiled: CompiledEntity, doc: Document, only?: ReadonlySet<string>): ApiRecord {
  const record: Record<string, unknown> = { id: String(doc._id), ...systemValues(doc) };
  for (const [key, field] of compiled.fields) {
    if (only && !only.has(key)) continue;
    record[key] = fromStorage(field, doc[key]);
  }
  return record as ApiRecord;
}

/** The system fields of a stored document (`_version`, `_ownerId`, …) in API form. */
export function systemValues(doc: Document): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of SYSTEM_OUT) {
    const value = doc[key];
    if (key === '_deletedAt' && value == null) continue;
    out[key] = value instanceof Date ? value.toISOString() : value instanceof ObjectId ? value.toHexString() : (value ?? null);
  }
  return out;
}

/**
 * A record's field values and system fields, as the API shows it (without `id`): what a
 * change's event carries, so that a workflow sees `record._ownerId` as a reader does.
 */
export function apiValues(values: Values, doc: Document): Values {
  return { ...values, ...systemValues(doc) };
}

/** The field values of a stored document in API form (for formulas, rules, diffs). */
export function valuesOf(compiled: CompiledEntity, doc: Document): Values {
  const values: Values = {};
  for (const [key, field] of compiled.fields) values[key] = fromStorage(field, doc[key]);
  return values;
}

/** `$set` / `$unset` for the given API values (null unsets: absent means no value). */
export function storageUpdate(compiled: CompiledEntity, values: Values): { $set: Document; $unset: Document } {
  const $set: Document = {};
  const $unset: Document = {};
  for (const [key, value] of Object.entries(values)) {
    const field = compiled.fields.get(key);
    if (!field) continue;
    const stored = toStorage(field, value);
    if (stored === undefined) $unset[key] = '';
    else $set[key] = stored;
  }
  return { $set, $unset };
}

/** The fields whose values differ between two value sets, with old and new values. */
export function changedFields(before: Values, after: Values): { field: string; from: unknown; to: unknown }[] {
  const changes: { field: string; from: unknown; to: unknown }[] = [];
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const from = before[key] ?? null;
    const to = after[key] ?? null;
    if (JSON.stringify(from) !== JSON.stringify(to)) changes.push({ field: key, from, to });
  }
  return changes;
}
