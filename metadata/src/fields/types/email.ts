import type { FieldTypeDefinition } from '../field-type-definition.js';
import { FORMATS } from '../formats.js';
import { textual } from './textual.js';

/** An email address. */
export const email: FieldTypeDefinition = {
  ...textual('email', { 'zh-CN': '电子邮件', en: 'Email' }, { format: FORMATS.email }),
  valueSchema: () => ({ type: 'string', maxLength: 254, pattern: FORMATS.email.source }),
  readSchema: () => ({ type: 'string', format: 'email' }),
  apiFormat: 'email',
  uniqueIgnoresCase: true,
};
