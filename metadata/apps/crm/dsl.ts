/**
 * Small builders that keep the standard CRM's metadata readable: every label in both
 * languages, option lists as rows, views and forms from field keys. They only build
 * plain metadata objects (the same JSON an admin's designer produces); nothing here
 * is known to the platform.
 */
import type { Entity, Field, Form, View } from '@metacrm/metadata';

export type Label = { 'zh-CN': string; en: string };
type AnyField = Field & Record<string, unknown>;

/** A label in Chinese and English. */
export const l = (zh: string, en: string): Label => ({ 'zh-CN': zh, en });

/** Options of a select field from `[key, zh, en, color?]` rows, in order. */
export function options(rows: [string, string, string, string?][]): { key: string; label: Label; order: number; color?: string }[] {
  return rows.map(([key, zh, en, color], order) => ({ key, label: l(zh, en), order, ...(color ? { color } : {}) }));
}

/** A field of any type: key, type, labels, then the type's settings. */
export function field(key: string, type: string, zh: string, en: string, settings: Record<string, unknown> = {}): Field {
  return { key, type, label: l(zh, en), ...settings } as AnyField;
}

/** Money in yuan, two decimals. */
export function money(key: string, zh: string, en: string, settings: Record<string, unknown> = {}): Field {
  return field(key, 'currency', zh, en, { currencyCode: 'CNY', scale: 2, min: '0', ...settings });
}

/** A reference to a record of another entity. */
export function lookup(key: string, target: string, zh: string, en: string, settings: Record<string, unknown> = {}): Field {
  return field(key, 'lookup', zh, en, { target, onDelete: 'set_null', ...settings });
}

/** A roll-up over the child entity's lookup `via` that points here. */
export function rollup(
  key: string,
  zh: string,
  en: string,
  entity: string,
  via: string,
  fn: 'count' | 'sum' | 'min' | 'max',
  of?: string,
  filter?: unknown,
): Field {
  return field(key, 'rollup', zh, en, { entity, via, function: fn, ...(of ? { field: of } : {}), ...(filter ? { filter } : {}) });
}

export interface EntitySpec {
  key: string;
  label: [string, string];
  plural: [string, string];
  icon: string;
  displayField: string;
  fields: Field[];
  indexes?: Entity['indexes'];
  duplicateRules?: Entity['duplicateRules'];
}

/**
 * An entity, with an index on each lookup field besides the declared ones: roll-ups,
 * related lists (a customer's timeline) and deletes look children up by their parent,
 * and without it each such query reads the whole collection.
 */
export function entity(spec: EntitySpec): Entity {
  const lookups = spec.fields
    .filter((f) => f.type === 'lookup')
    .map((f) => ({ key: `by_${f.key}`, fields: [{ field: f.key, direction: 'asc' as const }] }));
  const indexes = [...(spec.indexes ?? []), ...lookups];
  return {
    key: spec.key,
    label: l(...spec.label),
    pluralLabel: l(...spec.plural),
    icon: spec.icon,
    displayField: spec.displayField,
    fields: spec.fields,
    ...(indexes.length > 0 ? { indexes } : {}),
    ...(spec.duplicateRules ? { duplicateRules: spec.duplicateRules } : {}),
  };
}

type Section = [key: string, zh: string, en: string, fields: (string | { field: string; [k: string]: unknown })[]];

/** The default form of an entity: one tab, sections of two columns. */
export function form(entityKey: string, zh: string, en: string, sections: Section[]): Form {
  return {
    key: `${entityKey}_form`,
    entity: entityKey,
    label: l(zh, en),
    default: true,
    layout: {
      tabs: [
        {
          key: 'main',
          label: l('基本信息', 'Details'),
          sections: sections.map(([key, szh, sen, fields]) => ({
            key,
            label: l(szh, sen),
            columns: 2,
            fields: fields.map((f) => (typeof f === 'string' ? { field: f } : f)),
          })),
        },
      ],
    },
  } as Form;
}

type ViewExtra = { filter?: unknown; sort?: { field: string; direction: 'asc' | 'desc' }[]; default?: boolean };

export function list(entityKey: string, key: string, zh: string, en: string, columns: string[], extra: ViewExtra = {}): View {
  return { key, type: 'list', entity: entityKey, label: l(zh, en), columns: columns.map((c) => ({ field: c })), ...extra } as View;
}

export function kanban(
  entityKey: string,
  key: string,
  zh: string,
  en: string,
  groupBy: string,
  cardFields: string[],
  extra: ViewExtra = {},
): View {
  return { key, type: 'kanban', entity: entityKey, label: l(zh, en), groupBy, cardFields, ...extra } as View;
}

export function calendar(
  entityKey: string,
  key: string,
  zh: string,
  en: string,
  dateField: string,
  titleField: string,
  extra: ViewExtra = {},
): View {
  return { key, type: 'calendar', entity: entityKey, label: l(zh, en), dateField, titleField, ...extra } as View;
}
