import type { FieldTypeDefinition } from '@metacrm/metadata';
import { sanitizeRichText } from '../rich-text.js';

/**
 * The server half of rich text: every write path stores allowlisted HTML only
 * (sanitize-html runs in Node; the metadata half is isomorphic).
 */
export const richTextServer: Partial<FieldTypeDefinition> & { type: string } = {
  type: 'rich_text',
  normalize: (_field, value) => (typeof value === 'string' ? sanitizeRichText(value) : value),
};
