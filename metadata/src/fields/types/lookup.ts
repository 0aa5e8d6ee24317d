import type { FieldTypeDefinition } from '../field-type-definition.js';
import { convertReference, REFERENCE_ID } from './reference.js';
import { EQUALITY, stored } from './shared.js';

/**
 * A reference to a record of another (or the same) entity: a 24-hex id in the API, an
 * ObjectId in storage. An import takes the id or the target's display value.
 */
export const lookup: FieldTypeDefinition = stored('lookup', {
  label: { 'zh-CN': '关联记录', en: 'Lookup' },
  group: 'relation',
  value: 'reference',
  operators: EQUALITY,
  ordered: false,
  numeric: false,
  groupable: true,
  reference: 'record',
  storage: 'object_id',
  importAs: 'record_reference',
  sameTypeOnly: true,
  valueSchema: () => ({ ...REFERENCE_ID }),
  annotations: (f) => ({ 'x-lookup': { entity: f.target } }),
  convert: convertReference,
  formatProblem: () => ({ format: 'id' }),
  exportText: (f, value, record) => {
    // The display value the record engine expanded; the id when the actor may not see it.
    const display = (record._expanded as Record<string, { display: unknown }> | undefined)?.[f.key]?.display;
    return display === null || display === undefined ? String(value) : String(display);
  },
});
