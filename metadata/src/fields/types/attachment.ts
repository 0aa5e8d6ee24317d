import { converted, refused } from '../conversion.js';
import type { FieldTypeDefinition } from '../field-type-definition.js';
import { num, stored } from './shared.js';

/** Files attached to the record: id, name, size and media type of each. */
export const attachment: FieldTypeDefinition = stored('attachment', {
  label: { 'zh-CN': '附件', en: 'Attachment' },
  group: 'file',
  value: 'files',
  operators: ['isEmpty', 'isNotEmpty'],
  ordered: false,
  numeric: false,
  groupable: false,
  storage: 'as_is',
  sameTypeOnly: true,
  importAs: 'never',
  valueSchema: (f) => ({
    type: 'array',
    maxItems: num(f.maxFiles, 10),
    items: {
      type: 'object',
      properties: {
        id: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' },
        name: { type: 'string', minLength: 1, maxLength: 255 },
        size: { type: 'integer', minimum: 0 },
        type: { type: 'string', maxLength: 100 },
      },
      required: ['id', 'name', 'size'],
      additionalProperties: false,
    },
  }),
  convert: (value, to, from) =>
    from?.type === to.type ? converted(value) : refused('INVALID', {}, 'attachments convert only to attachments'),
  exportText: (_f, value) =>
    Array.isArray(value) ? value.map((f: unknown) => String((f as { name?: unknown }).name ?? '')).join(', ') : undefined,
});
