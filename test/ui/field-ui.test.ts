import { BUILT_IN_FIELD_TYPES, type FieldTypeDefinition, type Registry } from '@metacrm/metadata';
import { beforeAll, describe, expect, it } from 'vitest';

/*
 * The runtime UI compiles with its bundler's module resolution (extensionless imports),
 * which the root type check does not follow: its modules are loaded by a path the
 * checker leaves alone, with the few types this test needs spelled out.
 */
type FieldUi = { Cell: unknown; computed?: boolean };
const load = async <T>(path: string): Promise<T> => (await import(/* @vite-ignore */ path)) as T;
let fieldUi: (field: { type: string }) => FieldUi;
let fieldUis: Registry<FieldUi>;
let fieldTypes: Registry<FieldTypeDefinition>;

beforeAll(async () => {
  const ui = '../../runtime-ui/kit/src';
  ({ fieldUi, fieldUis } = await load<{ fieldUi: typeof fieldUi; fieldUis: typeof fieldUis }>(`${ui}/fields/field-ui`));
  ({ fieldTypes } = await load<{ fieldTypes: typeof fieldTypes }>(`${ui}/meta/registries`));
  (await load<{ registerBuiltInFieldUis: () => void }>(`${ui}/fields/builtin`)).registerBuiltInFieldUis();
});

describe('the UI halves of the field types', () => {
  it('are keyed exactly by the keys of the metadata registry', () => {
    expect(fieldUis.keys().sort()).toEqual([...BUILT_IN_FIELD_TYPES].sort());
    expect(fieldTypes.keys()).toEqual(BUILT_IN_FIELD_TYPES);
  });

  it('fall back, for a type with no UI half, to the built-in UI of its value kind', () => {
    fieldTypes.register('stars', {
      type: 'stars',
      value: 'integer',
      operators: ['eq'],
      computed: false,
      ordered: true,
      numeric: true,
      groupable: true,
    });
    fieldTypes.register('score', {
      type: 'score',
      value: 'decimal',
      operators: ['eq'],
      computed: true,
      ordered: true,
      numeric: true,
      groupable: false,
    });
    expect(fieldUi({ type: 'stars' })).toBe(fieldUis.require('integer'));
    expect(fieldUi({ type: 'score' })).toMatchObject({ Cell: fieldUis.require('decimal').Cell, computed: true });
    expect(fieldUi({ type: 'no_such_type' })).toBe(fieldUis.require('text'));
  });
});
