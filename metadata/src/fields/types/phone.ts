import type { FieldTypeDefinition } from '../field-type-definition.js';
import { FORMATS } from '../formats.js';
import { textual } from './textual.js';

/** A phone number: digits, spaces, + - ( ) and an optional extension. */
export const phone: FieldTypeDefinition = {
  ...textual('phone', { 'zh-CN': '电话', en: 'Phone' }, { format: FORMATS.phone }),
  uniqueIgnoresCase: true,
  valueSchema: () => ({ type: 'string', maxLength: 40, pattern: FORMATS.phone.source }),
};
