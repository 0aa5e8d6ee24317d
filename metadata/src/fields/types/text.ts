import type { FieldTypeDefinition } from '../field-type-definition.js';
import { num } from './shared.js';
import { textual } from './textual.js';

/** Single-line text, with optional length limits and an RE2 pattern. */
export const text: FieldTypeDefinition = {
  ...textual('text', { 'zh-CN': '单行文本', en: 'Text' }),
  uniqueIgnoresCase: true,
  valueSchema: (f) => ({
    type: 'string',
    maxLength: num(f.maxLength, 255),
    ...(typeof f.minLength === 'number' ? { minLength: f.minLength } : {}),
    ...(typeof f.pattern === 'string' ? { pattern: f.pattern } : {}),
  }),
};
