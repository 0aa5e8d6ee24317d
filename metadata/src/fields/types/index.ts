import type { FieldTypeDefinition } from '../field-type-definition.js';
import { attachment } from './attachment.js';
import { autoNumber } from './auto_number.js';
import { boolean } from './boolean.js';
import { currency } from './currency.js';
import { date } from './date.js';
import { datetime } from './datetime.js';
import { decimal } from './decimal.js';
import { email } from './email.js';
import { formula } from './formula.js';
import { integer } from './integer.js';
import { longText } from './long_text.js';
import { lookup } from './lookup.js';
import { multiSelect } from './multi_select.js';
import { percent } from './percent.js';
import { phone } from './phone.js';
import { richText } from './rich_text.js';
import { rollup } from './rollup.js';
import { singleSelect } from './single_select.js';
import { text } from './text.js';
import { url } from './url.js';
import { user } from './user.js';

/** The 21 built-in field types, one module each, in palette order. */
export const BUILT_IN_FIELD_TYPE_DEFINITIONS: readonly FieldTypeDefinition[] = [
  text,
  longText,
  richText,
  integer,
  decimal,
  currency,
  percent,
  boolean,
  date,
  datetime,
  singleSelect,
  multiSelect,
  email,
  phone,
  url,
  lookup,
  user,
  autoNumber,
  formula,
  rollup,
  attachment,
];
