import type { FieldTypeDefinition } from '../field-type-definition.js';
import { LONG_TEXT, num } from './shared.js';
import { textual } from './textual.js';

/** Multi-line plain text: searched by contains, never sorted. */
export const longText: FieldTypeDefinition = {
  ...textual('long_text', { 'zh-CN': '多行文本', en: 'Long text' }, { operators: LONG_TEXT, ordered: false }),
  valueSchema: (f) => ({ type: 'string', maxLength: num(f.maxLength, 10_000) }),
};
