import { describe, expect, it } from 'vitest';
import { BUILT_IN_FIELD_TYPE_DEFINITIONS, validateBundle, type Bundle } from '@metacrm/metadata';
import { metadataToolkit } from '../../metadata/metadata-toolkit.js';
import { createRegistries } from '../../runtime/registries.js';

/**
 * The date_field trigger decides by a field's value kind, not its type's name (issue
 * #13): a plugin's own date type is watched as the built-in date is, and a type of
 * another kind is refused whatever it is called.
 */
const registries = createRegistries();
const date = BUILT_IN_FIELD_TYPE_DEFINITIONS.find((d) => d.type === 'date')!;
const text = BUILT_IN_FIELD_TYPE_DEFINITIONS.find((d) => d.type === 'text')!;
registries.fieldTypes.register('due_day', { ...date, type: 'due_day' });
registries.fieldTypes.register('datelike_text', { ...text, type: 'datelike_text' });
const { validator } = metadataToolkit(registries);
const l = (en: string) => ({ 'zh-CN': en, en });

function bundleWatching(field: string): Bundle {
  return {
    entities: [
      {
        key: 'task',
        label: l('Task'),
        displayField: 'title',
        fields: [
          { key: 'title', type: 'text', label: l('Title') },
          { key: 'due', type: 'due_day', label: l('Due') },
          { key: 'when_text', type: 'datelike_text', label: l('When') },
        ],
      },
    ],
    forms: [],
    views: [],
    rules: [],
    roles: [],
    workflows: [
      {
        key: 'remind',
        label: l('Remind'),
        entity: 'task',
        trigger: { type: 'date_field', field, offset: { amount: -1, unit: 'day' }, at: '09:00' },
        start: 'mark',
        steps: [{ id: 'mark', type: 'update_record', config: { values: { title: 'due soon' } } }],
      },
    ],
  } as unknown as Bundle;
}

describe('the date_field trigger over plugin field types', () => {
  it('accepts a field of a plugin type whose values are dates', () => {
    expect(validateBundle(bundleWatching('due'), registries, validator)).toEqual([]);
  });

  it('refuses a field of a type of another kind, whatever its name', () => {
    expect(validateBundle(bundleWatching('when_text'), registries, validator).map((p) => [p.pointer, p.code])).toEqual([
      ['/workflows/0/trigger/field', 'FIELD_TYPE_MISMATCH'],
    ]);
  });
});
