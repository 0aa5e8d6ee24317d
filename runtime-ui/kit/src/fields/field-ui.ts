import type { Field, ValueKind } from '@metacrm/metadata';
import { Registry } from '@metacrm/metadata';
import { fieldTypes } from '../meta/registries';
import type { WidgetProps } from '@rjsf/utils';
import type { ComponentType } from 'react';
import type { Locale } from '../i18n/locale';

/** A record as the API answers it: field values by key, system fields, `_expanded` lookups. */
export type ApiRecord = Record<string, unknown> & { id: string; _version: number };

export interface CellProps {
  field: Field;
  value: unknown;
  record: ApiRecord;
  locale: Locale;
}

export interface FilterInputProps {
  field: Field;
  /** The operator chosen; the input fits it (a list for `in`, two values for `between`). */
  op: string;
  value: unknown;
  onChange: (value: unknown) => void;
  /** Accessible name of the input. */
  ariaLabel: string;
}

/**
 * The UI half of a field type, registered under the same key as its metadata half
 * (`createFieldTypeRegistry` in @metacrm/metadata). Components ask this registry for a
 * field's cell, widget or filter input and never compare type names themselves.
 */
export interface FieldUi {
  /** Shows a value in a table cell, a card, the details panel. */
  Cell: ComponentType<CellProps>;
  /** The RJSF widget that edits it (read-only types show their Cell). */
  Widget: ComponentType<WidgetProps>;
  /** The operand input of a filter condition on the field. */
  FilterInput: ComponentType<FilterInputProps>;
  /** Computed by the engine: shown, never edited. */
  computed?: boolean;
  /** The sum shown under a kanban column or a list, when the type is numeric. */
  sum?: (values: unknown[]) => string | undefined;
}

/** The UI field types, keyed by field type id; plugins register theirs beside them. */
export const fieldUis = new Registry<FieldUi>('field UI');

/**
 * The built-in UI that a type without a UI half of its own borrows, by what its
 * values are (its metadata half's value kind): a plugin type of whole numbers edits
 * like an integer, one of dates like a date. Lists of values and references show as
 * text, since their built-in editors need options or a target.
 */
const BY_VALUE_KIND: Record<ValueKind, string> = {
  string: 'text',
  integer: 'integer',
  decimal: 'decimal',
  boolean: 'boolean',
  date: 'date',
  datetime: 'datetime',
  strings: 'text',
  reference: 'text',
  files: 'attachment',
};

/**
 * The UI of a field: its type's UI half, registered under the metadata registry's key;
 * else the built-in UI for its value kind (computed when its type is computed); plain
 * text for a type neither registry knows.
 */
export function fieldUi(field: { type: string }): FieldUi {
  const own = fieldUis.get(field.type);
  if (own) return own;
  const def = fieldTypes.get(field.type);
  const borrowed = fieldUis.get(def ? BY_VALUE_KIND[def.value] : 'text') ?? fieldUis.require('text');
  return def?.computed ? { ...borrowed, computed: true } : borrowed;
}

/** The field's metadata as RJSF passes it to a widget through `ui:options`. */
export function widgetField(props: WidgetProps): Field {
  return (props.options as unknown as { metaField: Field }).metaField;
}

/** The locale as RJSF passes it to a widget through the form context. */
export function widgetLocale(props: WidgetProps): Locale {
  return (props.registry.formContext as { locale?: Locale } | undefined)?.locale ?? 'en';
}
