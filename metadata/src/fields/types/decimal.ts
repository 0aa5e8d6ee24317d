import type { FieldTypeDefinition } from '../field-type-definition.js';
import { decimalNumber } from './decimal-number.js';

/** An exact decimal number (Decimal128 in storage, a string in the API). */
export const decimal: FieldTypeDefinition = decimalNumber('decimal', { 'zh-CN': '小数', en: 'Decimal' });
