import { valueSchema, type Entity, type Field, type Form, type FormFieldState } from '@metacrm/metadata';
import type { RJSFSchema, UiSchema } from '@rjsf/utils';
import { fieldUi } from '../fields/field-ui';
import type { Locale } from '../i18n/locale';
import { label } from '../meta/meta';
import { fieldTypes } from '../meta/registries';

/** Whether the user may change the field (their roles; computed and read-only fields never). */
export type Writable = (field: Field) => boolean;

export interface FormSchemas {
  schema: RJSFSchema;
  uiSchema: UiSchema;
}

/**
 * The RJSF schema and uiSchema of a form for the field states of the moment: the value
 * schema of each visible placed field (the one the server validates with), its label,
 * its widget (the field type's UI, by type id), required and read-only from the
 * entity, the form conditions and the user's write rights. Hidden fields are left out.
 */
export function formSchemas(
  entity: Entity,
  form: Form,
  states: Map<string, FormFieldState>,
  locale: Locale,
  writable: Writable,
  deniedTip: string,
): FormSchemas {
  const properties: Record<string, RJSFSchema> = {};
  const required: string[] = [];
  const uiSchema: UiSchema = { 'ui:submitButtonOptions': { norender: true } };
  for (const tab of form.layout.tabs) {
    for (const section of tab.sections) {
      for (const placement of section.fields) {
        const field = entity.fields.find((f) => f.key === placement.field);
        const state = states.get(placement.field);
        if (!field || state?.visible === false) continue;
        const ui = fieldUi(field);
        const denied = ui.computed !== true && !writable(field);
        const readOnly = denied || ui.computed === true || field.readOnly === true || state?.readOnly === true;
        properties[field.key] = {
          // A computed value is shown, never typed: any JSON scalar, so RJSF draws the field's widget (a schema
          // without a type is an "unsupported field" to it) and validation never blocks a save on it.
          ...(ui.computed ? { type: ['string', 'number', 'boolean', 'null'] } : (valueSchema(field, fieldTypes) as RJSFSchema)),
          title: label(field.label, locale, field.key),
          ...(readOnly ? { readOnly: true } : {}),
        };
        if (!readOnly && (field.required === true || state?.required === true)) required.push(field.key);
        const helpText = placement.helpText ?? field.helpText;
        const help = denied ? deniedTip : helpText ? label(helpText, locale) : undefined;
        uiSchema[field.key] = {
          'ui:widget': `field:${field.type}`,
          'ui:options': { metaField: field },
          ...(help ? { 'ui:help': help } : {}),
          ...(readOnly ? { 'ui:readonly': true } : {}),
        };
      }
    }
  }
  return { schema: { type: 'object', properties, required }, uiSchema };
}

/** The RJSF widgets of every registered field type, named `field:<type>` in the uiSchema. */
export function fieldWidgets(types: readonly string[]) {
  return Object.fromEntries(types.map((type) => [`field:${type}`, fieldUi({ type }).Widget]));
}

/** `{amount: {__errors: [...]}}` from the server's problems `{pointer: "/amount", message}`. */
export function problemsToErrorSchema(problems: readonly { pointer?: string; message: string }[]) {
  const schema: Record<string, { __errors: string[] }> = {};
  for (const problem of problems) {
    const key = (problem.pointer ?? '').split('/')[1];
    if (!key) continue;
    (schema[key] ??= { __errors: [] }).__errors.push(problem.message);
  }
  return schema;
}
