import type { FieldTypeDefinition } from '../field-type-definition.js';
import { convertReference, REFERENCE_ID } from './reference.js';
import { EQUALITY, stored } from './shared.js';

/**
 * A reference to a user. Stored as the id string: users may come from another
 * directory, and the system actor's id is not an ObjectId. Filters take `$me`.
 */
export const user: FieldTypeDefinition = stored('user', {
  label: { 'zh-CN': '用户', en: 'User' },
  group: 'relation',
  value: 'reference',
  operators: EQUALITY,
  ordered: false,
  numeric: false,
  groupable: true,
  reference: 'user',
  storage: 'as_is',
  sameTypeOnly: true,
  valueSchema: () => ({ ...REFERENCE_ID }),
  readSchema: () => ({ type: 'string', description: 'A user id.' }),
  convert: convertReference,
  formatProblem: () => ({ format: 'id' }),
});
