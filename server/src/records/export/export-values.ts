import { ObjectId, type Db } from 'mongodb';
import type { ValueKind } from '@metacrm/metadata';
import type { MetadataSnapshot } from '../../metadata/metadata-cache.js';
import type { AnyField, CompiledEntity } from '../compiled-entity.js';
import { fromStorage } from '../field-codec.js';
import { recordCollection } from '../record-collections.js';
import type { ApiRecord } from '../record-document.js';
import { neutralize, numericCell } from './neutralize.js';

export const EXPORT_LANGUAGES = ['zh-CN', 'en'] as const;
export type ExportLanguage = (typeof EXPORT_LANGUAGES)[number];

/** One exported column: the field, how its values read, its header in the chosen language. */
export interface ExportColumn {
  field: AnyField;
  kind: ValueKind;
  label: string;
  /** Integer and decimal values (formulas and roll-ups by their result): numbers in XLSX. */
  numeric: boolean;
}

/** A cell ready to write: XLSX takes the number when there is one, CSV always the text. */
export interface ExportCell {
  text: string;
  number?: number | undefined;
}

/** Display values of referenced records, per lookup field, per record id. */
export type Displays = Map<string, Map<string, string>>;

const YES_NO: Record<ExportLanguage, [string, string]> = { 'zh-CN': ['是', '否'], en: ['Yes', 'No'] };

export function exportColumns(compiled: CompiledEntity, keys: readonly string[], lang: ExportLanguage): ExportColumn[] {
  return keys.map((key) => {
    const field = compiled.fields.get(key)!;
    const kind = compiled.traits.get(key)?.value ?? 'string';
    return { field, kind, label: field.label[lang] || key, numeric: kind === 'integer' || kind === 'decimal' };
  });
}

/**
 * The display values of the records a page refers to, one query per lookup column:
 * an account lookup shows the account's name, not its id.
 */
export async function lookupDisplays(db: Db, snapshot: MetadataSnapshot, columns: readonly ExportColumn[], records: readonly ApiRecord[]): Promise<Displays> {
  const out: Displays = new Map();
  for (const { field } of columns) {
    if (field.type !== 'lookup') continue;
    const target = snapshot.entity(String(field.target));
    const display = target?.displayField;
    const ids = [...new Set(records.map((r) => r[field.key]).filter((v): v is string => typeof v === 'string' && ObjectId.isValid(v)))];
    const names = new Map<string, string>();
    out.set(field.key, names);
    if (!target || !display || ids.length === 0) continue;
    const displayDef = target.fields.find((f) => f.key === display);
    const docs = await recordCollection(db, target.key).find({ _id: { $in: ids.map((id) => new ObjectId(id)) } }, { projection: { [display]: 1 } }).toArray();
    for (const doc of docs) names.set(String(doc._id), displayDef ? String(fromStorage(displayDef, doc[display]) ?? '') : String(doc[display] ?? ''));
  }
  return out;
}

/** A value in display form: option labels, yes/no, lookups by name, decimals as text, ISO dates. */
export function displayText(column: ExportColumn, value: unknown, lang: ExportLanguage, displays: Displays): string {
  if (value === null || value === undefined) return '';
  const { field, kind } = column;
  if (field.type === 'single_select' || field.type === 'multi_select') return [value].flat().map((v) => optionLabel(field, v, lang)).join(', ');
  if (field.type === 'lookup') return displays.get(field.key)?.get(String(value)) ?? String(value);
  if (kind === 'boolean') return YES_NO[lang][value === true ? 0 : 1];
  if (kind === 'files' && Array.isArray(value)) return value.map((f: unknown) => String((f as { name?: unknown }).name ?? '')).join(', ');
  if (Array.isArray(value)) return value.map(String).join(', ');
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** The cell to write: neutralized text, with a number when a numeric column holds a plain one. */
export function exportCell(column: ExportColumn, text: string): ExportCell {
  return column.numeric ? numericCell(text) : { text: neutralize(text) };
}

function optionLabel(field: AnyField, key: unknown, lang: ExportLanguage): string {
  const options = (field.options as { key: string; label: Record<string, string> }[] | undefined) ?? [];
  const option = options.find((o) => o.key === key);
  return option?.label[lang] ?? String(key);
}
