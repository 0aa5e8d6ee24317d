import { describe, expect, it } from 'vitest';
import { BUILT_IN_FIELD_TYPES } from './field-types.js';
import { FIELD_TYPE_PALETTE, fieldTypeSettingsSchema } from './field-type-settings.js';

describe('fieldTypeSettingsSchema', () => {
  it('covers every built-in type in the palette, once', () => {
    expect(FIELD_TYPE_PALETTE.map((e) => e.type).sort()).toEqual([...BUILT_IN_FIELD_TYPES].sort());
  });

  it.each(BUILT_IN_FIELD_TYPES.map((t) => [t]))('%s: base and own settings, with only local references', (type) => {
    const schema = fieldTypeSettingsSchema(type);
    const properties = schema.properties as Record<string, unknown>;
    expect(properties.type).toEqual({ const: type });
    expect(Object.keys(properties)).toEqual(expect.arrayContaining(['key', 'label', 'required', 'default']));
    expect(JSON.stringify(schema)).not.toContain('common.schema.json');
  });

  it('keeps what a type adds: options with colours, a lookup target and onDelete', () => {
    const select = fieldTypeSettingsSchema('single_select');
    expect(select.required).toEqual(expect.arrayContaining(['key', 'label', 'options']));
    expect(JSON.stringify((select.properties as Record<string, unknown>).options)).toContain('#/$defs/color');
    const lookup = fieldTypeSettingsSchema('lookup').properties as Record<string, { enum?: string[] }>;
    expect(lookup.onDelete!.enum).toEqual(['restrict', 'set_null', 'cascade']);
  });

  it('refuses a type that is not built in', () => {
    expect(() => fieldTypeSettingsSchema('base')).toThrow(/not a built-in/);
    expect(() => fieldTypeSettingsSchema('sparkle')).toThrow(/not a built-in/);
  });
});
