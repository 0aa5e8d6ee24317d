import { convertValue, fieldTypeOf, type Field, type FieldTypeDefinition, type Registry, type ValueKind } from '@metacrm/metadata';
import type { Db } from 'mongodb';
import type { MetadataSnapshot } from '../../metadata/metadata-cache.js';
import type { AnyField } from '../compiled-entity.js';
import { recordCollection } from '../../record-storage/record-collections.js';
import type { SheetCell } from './import-sheet.js';

/** What one cell becomes: an API value, a display value still to look up, or a problem. */
export type CellResult =
  | { kind: 'value'; value: unknown }
  | { kind: 'lookup'; text: string }
  | { kind: 'empty' }
  | { kind: 'problem'; code: string; message: string; params?: Record<string, unknown> | undefined };

const TEXT_FIELD = { key: 'cell', type: 'text', label: { 'zh-CN': '单元格', en: 'Cell' } } as unknown as Field;
const OBJECT_ID = /^[0-9a-f]{24}$/;
/** What the exporter put in front of a value that a spreadsheet would run as a formula. */
const NEUTRALIZED = /^'[=+\-@\t\r]/;

/**
 * Converts one cell to the API value of `field`, with the same text → type rules as a
 * field type change (convertValue): whole numbers, exact decimals, yes/no/是/否, ISO
 * and Excel dates, options by key or label in either language. Empty cells are no
 * change; the record pipeline validates whatever comes out. How a cell reads is the
 * field type's `importAs`.
 */
export function convertCell(cell: SheetCell, field: AnyField, fieldTypes?: Registry<FieldTypeDefinition>): CellResult {
  if (cell === null || (typeof cell === 'string' && cell.trim() === '')) return { kind: 'empty' };
  const def = fieldTypeOf(field.type, fieldTypes);
  const importAs = def?.importAs ?? 'as_is';
  if (importAs === 'record_reference') return lookupCell(cell);
  const raw = typeof cell === 'string' && NEUTRALIZED.test(cell) ? cell.slice(1) : cell;
  if (importAs !== 'convert') return { kind: 'value', value: importAs === 'text' || typeof raw === 'string' ? plainText(raw) : raw };
  const input =
    raw instanceof Date ? dateText(raw, def?.value) : typeof raw === 'number' && def?.value === 'decimal' ? numberText(raw) : raw;
  const result = convertValue(input, TEXT_FIELD, field, fieldTypes);
  if (result.ok) return { kind: 'value', value: result.value };
  return { kind: 'problem', code: result.code, message: result.reason, params: result.params };
}

function lookupCell(cell: SheetCell): CellResult {
  const text = plainText(cell).trim();
  return OBJECT_ID.test(text) ? { kind: 'value', value: text } : { kind: 'lookup', text };
}

/** A cell as text: numbers without float noise, dates as ISO. */
function plainText(cell: SheetCell): string {
  if (cell instanceof Date) return dateText(cell, 'datetime');
  if (typeof cell === 'number') return numberText(cell);
  return String(cell);
}

/**
 * An Excel number as decimal text. Excel keeps 15 significant digits, so a value read
 * back as 0.30000000000000004 was typed as 0.3.
 */
export function numberText(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return n.toFixed(0);
  const text = String(Number(n.toPrecision(15)));
  return /e/i.test(text) ? n.toFixed(20).replace(/\.?0+$/, '') : text;
}

/** Excel dates carry no zone: exceljs reads the wall-clock value as UTC. */
function dateText(date: Date, kind: ValueKind | undefined): string {
  const iso = date.toISOString();
  return kind === 'date' || (kind !== 'datetime' && iso.endsWith('T00:00:00.000Z')) ? iso.slice(0, 10) : iso;
}

/** The id a display value resolved to, or why it did not resolve. */
export type Resolution = { id: string } | { code: 'UNKNOWN_ENTITY' | 'AMBIGUOUS_REFERENCE'; message: string };

/**
 * Resolves display values (e.g. an account's name) of one lookup field to record ids
 * with one query for the whole batch. No live match, or more than one, is a problem.
 */
export async function resolveDisplayValues(
  db: Db,
  snapshot: MetadataSnapshot,
  field: AnyField,
  texts: ReadonlySet<string>,
): Promise<Map<string, Resolution>> {
  const target = snapshot.entity(String(field.target));
  const displayField = target?.displayField;
  const out = new Map<string, Resolution>();
  if (!target || !displayField) {
    for (const text of texts) out.set(text, { code: 'UNKNOWN_ENTITY', message: `"${text}" is not a ${String(field.target)} record id` });
    return out;
  }
  const docs = await recordCollection(db, target.key)
    .find({ [displayField]: { $in: [...texts] }, _deletedAt: null }, { projection: { _id: 1, [displayField]: 1 } })
    .toArray();
  const ids = new Map<string, string[]>();
  for (const doc of docs) {
    const key = String(doc[displayField]);
    ids.set(key, [...(ids.get(key) ?? []), String(doc._id)]);
  }
  for (const text of texts) {
    const found = ids.get(text) ?? [];
    if (found.length === 1) out.set(text, { id: found[0]! });
    else if (found.length === 0) out.set(text, { code: 'UNKNOWN_ENTITY', message: `no ${target.key} record "${text}"` });
    else out.set(text, { code: 'AMBIGUOUS_REFERENCE', message: `${found.length} ${target.key} records are "${text}"; use the record id` });
  }
  return out;
}
