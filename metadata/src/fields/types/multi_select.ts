import { converted, type Conversion } from '../conversion.js';
import type { FieldTypeDefinition } from '../field-type-definition.js';
import { num, optionKeys, optionLabel, retiredChoices, stored, toOption } from './shared.js';

/** Several options from a list; text converts split at commas and semicolons (also full-width). */
export const multiSelect: FieldTypeDefinition = stored('multi_select', {
  label: { 'zh-CN': '多选', en: 'Multi select' },
  group: 'choice',
  value: 'strings',
  operators: ['contains', 'notContains', 'in', 'nin', 'isEmpty', 'isNotEmpty'],
  ordered: false,
  numeric: false,
  groupable: false,
  options: true,
  storage: 'as_is',
  importAs: 'convert',
  valueSchema: (f) => ({
    type: 'array',
    uniqueItems: true,
    items: { type: 'string', enum: optionKeys(f) },
    maxItems: num(f.maxSelected, 500),
  }),
  readSchema: (f) => ({ type: 'array', uniqueItems: true, items: { type: 'string', enum: optionKeys(f) } }),
  convert: (value, to) => {
    const items = Array.isArray(value)
      ? value
      : String(value)
          .split(/\s*[,;，；]\s*/)
          .filter(Boolean);
    const each = items.map((v) => toOption(v, to));
    const bad = each.find((c) => !c.ok);
    return bad ?? converted(each.map((c) => (c as Extract<Conversion, { ok: true }>).value));
  },
  checkValue: retiredChoices,
  exportText: (f, value, _record, lang) =>
    [value]
      .flat()
      .map((v) => optionLabel(f, v, lang))
      .join(', '),
});
