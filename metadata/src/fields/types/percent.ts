import type { FieldTypeDefinition } from '../field-type-definition.js';
import { decimalNumber } from './decimal-number.js';

/** A percentage stored as a decimal (12.5 means 12.5 %). */
export const percent: FieldTypeDefinition = decimalNumber('percent', { 'zh-CN': '百分比', en: 'Percent' });
