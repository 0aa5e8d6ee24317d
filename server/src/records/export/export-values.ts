import type { ValueKind } from '@metacrm/metadata';
import type { AnyField, CompiledEntity } from '../compiled-entity.js';
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

const YES_NO: Record<ExportLanguage, [string, string]> = { 'zh-CN': ['是', '否'], en: ['Yes', 'No'] };

export function exportColumns(compiled: CompiledEntity, keys: readonly string[], lang: ExportLanguage): ExportColumn[] {
  return keys.map((key) => {
    const field = compiled.fields.get(key)!;
    const kind = compiled.traits.get(key)?.value ?? 'string';
    return { field, kind, label: field.label[lang] || key, numeric: kind === 'integer' || kind === 'decimal' };
  });
}

/**
 * A record's value in display form: option labels, yes/no, lookups by the display
 * value the record engine expanded (the id when the actor may not see the name),
 * decimals as text, ISO dates.
 */
export function displayText(column: ExportColumn, record: ApiRecord, lang: ExportLanguage): string {
  const { field, kind } = column;
  const value = record[field.key];
  if (value === null || value === undefined) return '';
  if (field.type === 'single_select' || field.type === 'multi_select') return [value].flat().map((v) => optionLabel(field, v, lang)).join(', ');
  if (field.type === 'lookup') {
    const display = (record._expanded as Record<string, { display: unknown }> | undefined)?.[field.key]?.display;
    return display === null || display === undefined ? String(value) : String(display);
  }
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
