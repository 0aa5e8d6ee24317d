import type { Label } from '../../schema/problem-messages.js';
import type { AnyFieldSettings, FieldTypeDefinition, FilterOp } from '../field-type-definition.js';
import { blankIsNull, stored, TEXT, toText } from './shared.js';

/**
 * The common part of the text types (text, long and rich text, email, phone, url):
 * string values, blank is no value, anything converts to text within maxLength and the
 * type's format, and an import reads the cell as text.
 */
export function textual(
  type: string,
  label: Label,
  options: { operators?: readonly FilterOp[]; ordered?: boolean; format?: RegExp } = {},
): FieldTypeDefinition {
  const { format } = options;
  return stored(type, {
    label,
    group: 'text',
    value: 'string',
    operators: options.operators ?? TEXT,
    ordered: options.ordered ?? true,
    numeric: false,
    groupable: false,
    storage: 'as_is',
    importAs: 'text',
    normalize: blankIsNull,
    readSchema: () => ({ type: 'string' }),
    convert: (value: unknown, to: AnyFieldSettings) => toText(value, to, format, type),
    ...(format ? { formatProblem: () => ({ format: type }) } : {}),
  });
}
