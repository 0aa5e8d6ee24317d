import type { FieldTypeDefinition, ValueKind } from '@metacrm/metadata';
import type { AnyField, CompiledEntity } from '../compiled-entity.js';
import type { ApiRecord } from '../record-document.js';
import { neutralize, numericCell } from './neutralize.js';

export const EXPORT_LANGUAGES = ['zh-CN', 'en'] as const;
export type ExportLanguage = (typeof EXPORT_LANGUAGES)[number];

/** One exported column: the field, how its values read, its header in the chosen language. */
export interface ExportColumn {
  field: AnyField;
  kind: ValueKind;
  /** The field's type, refined by its settings: its exportText, when it has one, writes the cell. */
  definition: FieldTypeDefinition | undefined;
  label: string;
  /** Integer and decimal values (formulas and roll-ups by their result): numbers in XLSX. */
  numeric: boolean;
}

/** A cell ready to write: XLSX takes the number when there is one, CSV always the text. */
export interface ExportCell {
  text: string;
  number?: number | undefined;
}

export function exportColumns(compiled: CompiledEntity, keys: readonly string[], lang: ExportLanguage): ExportColumn[] {
  return keys.map((key) => {
    const field = compiled.fields.get(key)!;
    const definition = compiled.traits.get(key);
    const kind = definition?.value ?? 'string';
    return { field, kind, definition, label: field.label[lang] || key, numeric: kind === 'integer' || kind === 'decimal' };
  });
}

/**
 * A record's value in display form: option labels, yes/no, lookups by the display
 * value the record engine expanded (the id when the actor may not see the name),
 * decimals as text, ISO dates.
 */
export function displayText(column: ExportColumn, record: ApiRecord, lang: ExportLanguage): string {
  const { field, definition } = column;
  const value = record[field.key];
  if (value === null || value === undefined) return '';
  const own = definition?.exportText?.(field, value, record, lang);
  if (own !== undefined) return own;
  if (Array.isArray(value)) return value.map(String).join(', ');
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** The cell to write: neutralized text, with a number when a numeric column holds a plain one. */
export function exportCell(column: ExportColumn, text: string): ExportCell {
  return column.numeric ? numericCell(text) : { text: neutralize(text) };
}
