import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { MetaValidator } from '../schema/meta-validator.js';
import { BUILT_IN_FIELD_TYPES, createFieldTypeRegistry, fieldTypePalette, fieldTypeSettingsSchema } from './field-types.js';

const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as unknown as (
  ajv: Ajv2020,
) => void;
const label = { 'zh-CN': '字段', en: 'Field' };
const options = [{ key: 'a', label }];

/** One sound field of each built-in type, with the settings its type requires. */
const SAMPLES: Record<string, Record<string, unknown>> = {
  currency: { currencyCode: 'CNY' },
  single_select: { options },
  multi_select: { options },
  lookup: { target: 'account' },
  formula: { expression: { '+': [1, 2] }, resultType: 'integer' },
  rollup: { entity: 'deal', via: 'account', function: 'count' },
};

describe('fieldTypeSettingsSchema', () => {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats(ajv);
  const validator = new MetaValidator(createFieldTypeRegistry());

  it.each(BUILT_IN_FIELD_TYPES.map((t) => [t]))('is a self-contained schema of a %s field that agrees with the meta-schema', (type) => {
    const schema = fieldTypeSettingsSchema(type)!;
    const validate = ajv.compile(schema);
    const field = { key: 'f', type, label, ...SAMPLES[type] };
    expect(validate(field), JSON.stringify(validate.errors)).toBe(true);
    expect(validator.validateItem('entities', { key: 'e', label, displayField: 'f', fields: [field] })).toEqual([]);
    expect(validate({ ...field, unknownSetting: 1 })).toBe(false);
    expect(validate({ type, label })).toBe(false);
  });

  it("gives a plugin type's settings with those every field has, and nothing for an unknown type", () => {
    const registry = createFieldTypeRegistry();
    registry.register('rating', {
      type: 'rating',
      value: 'integer',
      operators: ['eq'],
      computed: false,
      ordered: true,
      numeric: true,
      groupable: true,
      settingsSchema: { type: 'object', properties: { max: { type: 'integer', minimum: 1 } }, required: ['max'] },
    });
    const schema = fieldTypeSettingsSchema('rating', registry)!;
    expect(schema.required).toEqual(['key', 'type', 'label', 'max']);
    expect(ajv.compile(schema)({ key: 'stars', type: 'rating', label, max: 5 })).toBe(true);
    expect(fieldTypeSettingsSchema('rating')).toBeUndefined();
    expect(fieldTypePalette(registry).at(-1)).toEqual({
      type: 'rating',
      label: { 'zh-CN': 'rating', en: 'rating' },
      group: 'other',
      computed: false,
    });
  });
});

describe('fieldTypePalette', () => {
  it('lists the 21 built-in types with both labels and a group', () => {
    const palette = fieldTypePalette();
    expect(palette.map((e) => e.type)).toEqual(BUILT_IN_FIELD_TYPES);
    expect(palette).toHaveLength(21);
    for (const entry of palette) {
      expect(entry.label['zh-CN']).not.toBe(entry.type);
      expect(entry.label.en).not.toBe(entry.type);
      expect(entry.group).not.toBe('other');
    }
    expect(palette.find((e) => e.type === 'currency')).toEqual({
      type: 'currency',
      label: { 'zh-CN': '金额', en: 'Currency' },
      group: 'number',
      computed: false,
    });
  });
});
