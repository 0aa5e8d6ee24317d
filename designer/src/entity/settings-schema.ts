import { fieldTypeSettingsSchema, type Bundle, type Entity, type Field, type JsonSchema } from '@metacrm/metadata';
import type { RJSFSchema, UiSchema } from '@rjsf/utils';
import type { Locale } from '@metacrm/ui-kit';
import { labelOf } from '../common/labels';
import { settingTitle } from './setting-titles';

/** Edited beside the form (labels side by side, the key with its suggestion), not in it. */
const OUTSIDE_FORM = ['key', 'type', 'label'];
/** Recursive expression languages: edited as JSON text rather than as nested forms. */
const JSON_REFS = new Set(['#/$defs/logic', '#/$defs/filter']);

export interface SettingsForm {
  schema: RJSFSchema;
  uiSchema: UiSchema;
}

/**
 * The RJSF form of a field's settings, from its type's settings schema
 * (`fieldTypeSettingsSchema`): titles in the user's language, colours as colour
 * pickers, json-logic and filters as JSON, and the keys that name other items
 * (lookup target, roll-up entity, via and field, display field) as choices from the draft.
 */
export function settingsForm(field: Field, entity: Entity, bundle: Bundle, locale: Locale): SettingsForm {
  const source = fieldTypeSettingsSchema(field.type) as {
    properties: Record<string, JsonSchema>;
    required?: string[];
    $defs?: Record<string, JsonSchema>;
  };
  const properties: Record<string, JsonSchema> = {};
  const uiSchema: UiSchema = { 'ui:submitButtonOptions': { norender: true } };
  for (const [name, schema] of Object.entries(source.properties)) {
    if (OUTSIDE_FORM.includes(name)) continue;
    const title = settingTitle(name, locale);
    if (JSON_REFS.has(String(schema.$ref)) || name === 'process') {
      properties[name] = { title, description: schema.description };
      // A formula's expression gets the expression builder; other json-logic and filters stay JSON.
      uiSchema[name] = { 'ui:field': name === 'expression' ? 'expression' : 'json' };
    } else {
      properties[name] = { ...titled(schema, locale), title, description: schema.description };
    }
  }
  for (const name of ['description', 'helpText', 'relatedListLabel'])
    if (properties[name]) uiSchema[name] = { 'ui:classNames': 'dz-pair-fields' };
  if (properties.options) uiSchema.options = { items: { color: { 'ui:widget': 'color' }, label: { 'ui:classNames': 'dz-pair-fields' } } };
  narrowReferences(properties, field, entity, bundle, locale);
  return {
    schema: {
      type: 'object',
      properties,
      required: (source.required ?? []).filter((r) => !OUTSIDE_FORM.includes(r)),
      $defs: source.$defs,
    } as RJSFSchema,
    uiSchema,
  };
}

/** Titles in the user's language on nested settings too (an option's key, label and colour). */
function titled(schema: JsonSchema, locale: Locale): JsonSchema {
  const out: JsonSchema = { ...schema };
  if (schema.properties && typeof schema.properties === 'object') {
    // Nested settings show their title only: the shared definitions' descriptions (what a key is) repeat on every option.
    out.properties = Object.fromEntries(
      Object.entries(schema.properties as Record<string, JsonSchema>).map(([k, v]) => [
        k,
        { ...titled(v, locale), title: settingTitle(k, locale), description: undefined },
      ]),
    );
  }
  if (schema.items && typeof schema.items === 'object' && !Array.isArray(schema.items))
    out.items = titled(schema.items as JsonSchema, locale);
  return out;
}

/** Keys that name other items become choices among what the draft has. */
function narrowReferences(properties: Record<string, JsonSchema>, field: Field, entity: Entity, bundle: Bundle, locale: Locale): void {
  const entities = bundle.entities.map((e) => (e.key === entity.key ? entity : e));
  const choice = (keys: { key: string; label?: unknown }[]) =>
    keys.length === 0
      ? {}
      : { oneOf: keys.map((k) => ({ const: k.key, title: `${labelOf(k.label as never, locale, k.key)} (${k.key})` })) };
  const settings = field as unknown as Record<string, string | undefined>;
  const narrow = (name: string, keys: { key: string; label?: unknown }[]) => {
    if (properties[name]) properties[name] = { ...properties[name], ...choice(keys), $ref: undefined, type: 'string' };
  };
  if (field.type === 'lookup') {
    narrow('target', entities);
    narrow('displayField', entities.find((e) => e.key === settings.target)?.fields ?? []);
  }
  if (field.type === 'rollup') {
    const children = entities.filter((e) =>
      e.fields.some((f) => f.type === 'lookup' && (f as unknown as { target: string }).target === entity.key),
    );
    narrow('entity', children.length > 0 ? children : entities);
    const child = entities.find((e) => e.key === settings.entity);
    narrow('via', child?.fields.filter((f) => f.type === 'lookup') ?? []);
    narrow('field', child?.fields.filter((f) => ['integer', 'decimal', 'currency', 'percent', 'date', 'datetime'].includes(f.type)) ?? []);
  }
}
