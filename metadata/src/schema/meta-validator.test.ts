import { describe, expect, it } from 'vitest';
import { createFieldTypeRegistry } from '../fields/field-types.js';
import { MetaValidator } from './meta-validator.js';

const validator = new MetaValidator(createFieldTypeRegistry());
const label = { 'zh-CN': '客户', en: 'Customer' };

describe('MetaValidator', () => {
  it('accepts a valid entity', () => {
    const entity = {
      key: 'customer',
      label,
      displayField: 'name',
      fields: [
        { key: 'name', type: 'text', label, required: true, maxLength: 120 },
        { key: 'amount', type: 'currency', label, currencyCode: 'CNY' },
        { key: 'stage', type: 'single_select', label, options: [{ key: 'new', label }] },
      ],
    };
    expect(validator.validateItem('entities', entity)).toEqual([]);
  });

  it.each([
    [{ key: 'Bad Key', label, displayField: 'n', fields: [{ key: 'n', type: 'text', label }] }, '/key', 'BAD_FORMAT'],
    [{ key: 'c', label, displayField: 'n', fields: [{ key: 'n', type: 'txt', label }] }, '/fields/0/type', 'UNKNOWN_VARIANT'],
    [
      { key: 'c', label, displayField: 'n', fields: [{ key: 'n', type: 'text', label, maxLength: 'x' }] },
      '/fields/0/maxLength',
      'WRONG_TYPE',
    ],
    [
      { key: 'c', label, displayField: 'n', fields: [{ key: 'n', type: 'text', label, currencyCode: 'CNY' }] },
      '/fields/0/currencyCode',
      'UNKNOWN_PROPERTY',
    ],
    [{ key: 'c', label, displayField: 'n', fields: [{ key: 'n', type: 'currency', label }] }, '/fields/0/currencyCode', 'REQUIRED'],
    [{ key: 'c', label: { en: 'x' }, displayField: 'n', fields: [{ key: 'n', type: 'text', label }] }, '/label/zh-CN', 'REQUIRED'],
    [{ key: 'c', label, displayField: 'n', fields: [] }, '/fields', 'OUT_OF_RANGE'],
    [{ key: 'c', label, displayField: 'n', fields: [{ key: 'n', type: 'text', label }], extra: 1 }, '/extra', 'UNKNOWN_PROPERTY'],
  ])('rejects %j at %s with %s', (entity, pointer, code) => {
    const problems = validator.validateItem('entities', entity);
    expect(problems).toContainEqual(expect.objectContaining({ pointer, code }));
  });

  it('points into a deep filter without noise from the other alternatives', () => {
    const view = {
      key: 'v',
      type: 'list',
      entity: 'c',
      label,
      columns: [{ field: 'n' }],
      filter: {
        and: [
          { field: 'n', op: 'eq' },
          { field: 'n', op: 'regex' },
        ],
      },
    };
    const problems = validator.validateItem('views', view);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.every((p) => p.pointer.startsWith('/filter/and/1'))).toBe(true);
  });
});
