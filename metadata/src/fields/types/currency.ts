import type { FieldTypeDefinition } from '../field-type-definition.js';
import { decimalNumber } from './decimal-number.js';

/** An amount of money, exact, with an optional ISO 4217 currency code. */
export const currency: FieldTypeDefinition = decimalNumber('currency', { 'zh-CN': '金额', en: 'Currency' });
