import type { FieldTypeDefinition } from '../field-type-definition.js';
import { LONG_TEXT, num } from './shared.js';
import { textual } from './textual.js';

/**
 * Formatted text as HTML. The server half (server/src/records/field-types/rich-text.ts)
 * adds the sanitizer to `normalize`, so every write path stores allowlisted HTML only.
 */
export const richText: FieldTypeDefinition = {
  ...textual('rich_text', { 'zh-CN': '富文本', en: 'Rich text' }, { operators: LONG_TEXT, ordered: false }),
  searchable: false,
  valueSchema: (f) => ({ type: 'string', maxLength: num(f.maxLength, 50_000) }),
};
