import type { FieldTypeDefinition } from '../field-type-definition.js';
import { FORMATS } from '../formats.js';
import { textual } from './textual.js';

/** A web address (http or https). */
export const url: FieldTypeDefinition = {
  ...textual('url', { 'zh-CN': '网址', en: 'URL' }, { format: FORMATS.url }),
  valueSchema: () => ({ type: 'string', maxLength: 2048, pattern: FORMATS.url.source }),
  readSchema: () => ({ type: 'string', format: 'uri' }),
  apiFormat: 'uri',
  uniqueIgnoresCase: true,
};
