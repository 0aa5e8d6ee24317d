import { describe, expect, it } from 'vitest';
import { salesBundle } from '../../../test/fixtures/sales-bundle.js';
import { createFieldTypeRegistry } from '../fields/field-types.js';
import { createLogicOperationRegistry } from '../logic/operations.js';
import { Registry } from '../registry.js';
import { MetaValidator } from '../schema/meta-validator.js';
import type { Bundle, BundleRegistries, ConfigurableDefinition } from './bundle-types.js';
import { validateBundle } from './validate.js';

const registries: BundleRegistries = {
  fieldTypes: createFieldTypeRegistry(),
  operations: createLogicOperationRegistry(),
  triggers: new Registry<ConfigurableDefinition>('trigger').register('manual', {
    type: 'manual',
    configSchema: { type: 'object', properties: {}, additionalProperties: false },
  }),
  actions: new Registry<ConfigurableDefinition>('action').register('update_record', {
    type: 'update_record',
    configSchema: { type: 'object', properties: { values: { type: 'object' } }, required: ['values'], additionalProperties: false },
  }),
};
const validator = new MetaValidator(registries.fieldTypes);
const problems = (bundle: unknown) => validateBundle(bundle, registries, validator);

function edit(change: (b: Bundle) => void): Bundle {
  const bundle = salesBundle();
  change(bundle);
  return bundle;
}

describe('validateBundle', () => {
  it('accepts the sales fixture', () => {
    expect(problems(salesBundle())).toEqual([]);
  });

  it.each<[string, (b: Bundle) => void, string, string]>([
    [
      'a lookup to a missing entity',
      (b) => ((b.entities[1]!.fields[1] as { target: string }).target = 'company'),
      '/entities/1/fields/1/target',
      'UNKNOWN_ENTITY',
    ],
    ['a display field that does not exist', (b) => (b.entities[0]!.displayField = 'title'), '/entities/0/displayField', 'UNKNOWN_FIELD'],
    [
      'a highlight field that does not exist',
      (b) => (b.entities[0]!.highlightFields = ['name', 'nope']),
      '/entities/0/highlightFields/1',
      'UNKNOWN_FIELD',
    ],
    [
      'a formula over a missing field',
      (b) => ((b.entities[1]!.fields[4] as { expression: unknown }).expression = { '+': [{ var: 'amont' }, 1] }),
      '/entities/1/fields/4/expression/+/0/var',
      'UNKNOWN_VARIABLE',
    ],
    [
      'a formula using json-logic method',
      (b) => ((b.entities[1]!.fields[4] as { expression: unknown }).expression = { method: [{ var: 'title' }, 'toUpperCase'] }),
      '/entities/1/fields/4/expression/method',
      'LOGIC_NOT_ALLOWED',
    ],
    [
      'a rollup via a field that is not a lookup to it',
      (b) => ((b.entities[0]!.fields[4] as { via: string }).via = 'title'),
      '/entities/0/fields/4/via',
      'FIELD_TYPE_MISMATCH',
    ],
    [
      'a sum over a text field',
      (b) => ((b.entities[0]!.fields[4] as { field: string }).field = 'title'),
      '/entities/0/fields/4/field',
      'FIELD_TYPE_MISMATCH',
    ],
    ['a duplicate field key', (b) => (b.entities[0]!.fields[1]!.key = 'name'), '/entities/0/fields/1/key', 'DUPLICATE_KEY'],
    ['a reserved key', (b) => (b.entities[0]!.fields[1]!.key = 'constructor'), '/entities/0/fields/1/key', 'RESERVED_KEY'],
    ['a duplicate entity key', (b) => (b.entities[1]!.key = 'account'), '/entities/1/key', 'DUPLICATE_KEY'],
    [
      'a form placing a missing field',
      (b) => (b.forms[0]!.layout.tabs[0]!.sections[0]!.fields[0]!.field = 'nope'),
      '/forms/0/layout/tabs/0/sections/0/fields/0/field',
      'UNKNOWN_FIELD',
    ],
    [
      'a form condition over a missing field',
      (b) => (b.forms[0]!.layout.tabs[0]!.sections[0]!.fields[3]!.requiredWhen = { var: 'stag' }),
      '/forms/0/layout/tabs/0/sections/0/fields/3/requiredWhen/var',
      'UNKNOWN_VARIABLE',
    ],
    [
      'a view filter with an operator the type lacks',
      (b) => ((b.views[0] as { filter: unknown }).filter = { field: 'amount', op: 'contains', value: '1' }),
      '/views/0/filter/op',
      'OPERATOR_NOT_ALLOWED',
    ],
    [
      'a view sorting on a missing field',
      (b) => (b.views[0]!.sort = [{ field: 'nope', direction: 'asc' }]),
      '/views/0/sort/0/field',
      'UNKNOWN_FIELD',
    ],
    [
      'a kanban grouped by a non-select',
      (b) => ((b.views[1] as { groupBy: string }).groupBy = 'title'),
      '/views/1/groupBy',
      'FIELD_TYPE_MISMATCH',
    ],
    [
      'a kanban grouped by a multi select',
      (b) => {
        b.entities[1]!.fields.push({
          key: 'tags',
          type: 'multi_select',
          label: { 'zh-CN': '标签', en: 'Tags' },
          options: [{ key: 'hot', label: { 'zh-CN': '热', en: 'Hot' } }],
        } as never);
        (b.views[1] as { groupBy: string }).groupBy = 'tags';
      },
      '/views/1/groupBy',
      'FIELD_TYPE_MISMATCH',
    ],
    ['a rule on a missing entity', (b) => (b.rules[0]!.entity = 'deal'), '/rules/0/entity', 'UNKNOWN_ENTITY'],
    ['a role keyed "admin", the built-in role', (b) => (b.roles[0]!.key = 'admin'), '/roles/0/key', 'RESERVED_KEY'],
    [
      'a role granting a missing field',
      (b) => (b.roles[0]!.entities!.opportunity!.fields = { secret: { read: true } }),
      '/roles/0/entities/opportunity/fields/secret',
      'UNKNOWN_FIELD',
    ],
    [
      'a pattern RE2 cannot run (back-reference)',
      (b) => ((b.entities[0]!.fields[0] as { pattern: string }).pattern = '(?<x>a+)\\k<x>+$'),
      '/entities/0/fields/0/pattern',
      'UNSAFE_PATTERN',
    ],
    [
      'a second default form of one entity',
      (b) => b.forms.push({ ...b.forms[0]!, key: 'opportunity_quick' }),
      '/forms/1/default',
      'DUPLICATE_DEFAULT',
    ],
    [
      'a form requiring a formula',
      (b) => b.forms[0]!.layout.tabs[0]!.sections[0]!.fields.push({ field: 'expected', requiredWhen: true }),
      '/forms/0/layout/tabs/0/sections/0/fields/4/requiredWhen',
      'IMMUTABLE',
    ],
    [
      'a relative filter with a bad period',
      (b) => ((b.views[0] as { filter: unknown }).filter = { field: 'close_date', op: 'relative', value: 'last_fortnight' }),
      '/views/0/filter/value',
      'WRONG_TYPE',
    ],
    [
      'a process stage that is not an option',
      (b) => ((b.entities[1]!.fields[5] as { process: unknown }).process = { stages: { closed: {} } }),
      '/entities/1/fields/5/process/stages/closed',
      'NOT_ALLOWED_VALUE',
    ],
    [
      'a process moving to a stage that is not an option',
      (b) => ((b.entities[1]!.fields[5] as { process: unknown }).process = { stages: { new: { next: ['won', 'gone'] } } }),
      '/entities/1/fields/5/process/stages/new/next/1',
      'NOT_ALLOWED_VALUE',
    ],
    [
      'a process stage requiring a missing field',
      (b) => ((b.entities[1]!.fields[5] as { process: unknown }).process = { stages: { won: { requiredFields: ['amount', 'reason'] } } }),
      '/entities/1/fields/5/process/stages/won/requiredFields/1',
      'UNKNOWN_FIELD',
    ],
    [
      'a process stage requiring a formula',
      (b) => ((b.entities[1]!.fields[5] as { process: unknown }).process = { stages: { won: { requiredFields: ['expected'] } } }),
      '/entities/1/fields/5/process/stages/won/requiredFields/0',
      'INVALID',
    ],
    [
      'a duplicate rule on a missing field',
      (b) => (b.entities[0]!.duplicateRules = [{ key: 'by_name', field: 'nom', match: [{ entity: 'account', field: 'name' }] }]),
      '/entities/0/duplicateRules/0/field',
      'UNKNOWN_FIELD',
    ],
    [
      'a duplicate rule matching a missing entity',
      (b) => (b.entities[0]!.duplicateRules = [{ key: 'by_name', field: 'name', match: [{ entity: 'lead', field: 'name' }] }]),
      '/entities/0/duplicateRules/0/match/0/entity',
      'UNKNOWN_ENTITY',
    ],
    [
      'a duplicate rule matching a number field',
      (b) => (b.entities[0]!.duplicateRules = [{ key: 'by_name', field: 'name', match: [{ entity: 'opportunity', field: 'amount' }] }]),
      '/entities/0/duplicateRules/0/match/0/field',
      'FIELD_TYPE_MISMATCH',
    ],
    [
      'two duplicate rules with one key',
      (b) =>
        (b.entities[0]!.duplicateRules = [
          { key: 'r', field: 'name', match: [{ entity: 'account', field: 'name' }] },
          { key: 'r', field: 'code', match: [{ entity: 'account', field: 'code' }] },
        ]),
      '/entities/0/duplicateRules/1/key',
      'DUPLICATE_KEY',
    ],
  ])('refuses %s, pointing at it', (_what, change, pointer, code) => {
    expect(problems(edit(change))).toContainEqual(expect.objectContaining({ pointer, code }));
  });

  it.each<[string, (b: Bundle) => void]>([
    [
      'a user field',
      (b) => {
        b.entities[1]!.fields.push({ key: 'rep', type: 'user', label: { 'zh-CN': '销售', en: 'Rep' } } as never);
        (b.views[1] as { groupBy: string }).groupBy = 'rep';
      },
    ],
  ])('accepts a kanban grouped by %s', (_what, change) => {
    expect(problems(edit(change))).toEqual([]);
  });

  it('finds a cycle among formulas', () => {
    const bundle = edit((b) => {
      const label = { 'zh-CN': '甲', en: 'A' };
      b.entities[1]!.fields.push(
        { key: 'a', type: 'formula', label, resultType: 'integer', expression: { '+': [{ var: 'b' }, 1] } },
        { key: 'b', type: 'formula', label, resultType: 'integer', expression: { '+': [{ var: 'a' }, 1] } },
      );
    });
    const cycle = problems(bundle).find((p) => p.code === 'FORMULA_CYCLE');
    expect(cycle?.message).toMatch(/a → b → a|b → a → b/);
  });

  it('checks workflow triggers, step types, configs and the step graph', () => {
    const label = { 'zh-CN': '流程', en: 'Flow' };
    const bundle = edit((b) => {
      b.workflows.push({
        key: 'flow',
        label,
        entity: 'opportunity',
        trigger: { type: 'manual' },
        start: 'one',
        steps: [
          { id: 'one', type: 'update_record', config: { values: {} }, next: 'two' },
          { id: 'two', type: 'update_record', config: {}, next: 'three' },
          { id: 'four', type: 'send_fax', config: {} },
        ],
      });
    });
    const found = problems(bundle);
    expect(found).toContainEqual(expect.objectContaining({ pointer: '/workflows/0/steps/1/config/values', code: 'REQUIRED' }));
    expect(found).toContainEqual(expect.objectContaining({ pointer: '/workflows/0/steps/1/next', code: 'UNKNOWN_STEP' }));
    expect(found).toContainEqual(expect.objectContaining({ pointer: '/workflows/0/steps/2/type', code: 'UNKNOWN_ACTION' }));
  });

  it("runs a trigger's own check at publish, only on settings that fit its schema, with the workflow and fields at hand", () => {
    const seen: string[] = [];
    const checking: BundleRegistries = {
      ...registries,
      triggers: new Registry<ConfigurableDefinition>('trigger').register('on_date', {
        type: 'on_date',
        configSchema: { type: 'object', properties: { field: { type: 'string' } }, required: ['field'], additionalProperties: false },
        check(settings, context) {
          seen.push(String(settings.field));
          const type = context.valueType(context.workflow.entity ?? '', String(settings.field));
          return type === 'date'
            ? []
            : [{ pointer: `${context.at}/field`, code: 'FIELD_TYPE_MISMATCH', message: `${String(type)} is not a date` }];
        },
      }),
    };
    const flow = (n: number, field: unknown, entity = 'opportunity') => ({
      key: `flow_${n}`,
      label: { 'zh-CN': '流程', en: 'Flow' },
      entity,
      trigger: { type: 'on_date', field },
      steps: [],
    });
    const found = validateBundle(
      edit((b) => b.workflows.push(flow(0, 'close_date'), flow(1, 'title'), flow(2, 7), flow(3, 'close_date', 'deal') as never)),
      checking,
      validator,
    );
    expect(seen).toEqual(['close_date', 'title']);
    expect(found).toEqual([
      expect.objectContaining({ pointer: '/workflows/1/trigger/field', code: 'FIELD_TYPE_MISMATCH', message: 'text is not a date' }),
      expect.objectContaining({ pointer: '/workflows/2/trigger/field', code: 'WRONG_TYPE' }),
      expect.objectContaining({ pointer: '/workflows/3/entity', code: 'UNKNOWN_ENTITY' }),
    ]);
  });

  it('reports shape problems before meaning, with pointers', () => {
    const found = problems({ entities: [{ key: 'x' }], forms: [], views: [], rules: [], workflows: [], roles: [] });
    expect(found).toContainEqual(expect.objectContaining({ pointer: '/entities/0/label', code: 'REQUIRED' }));
    expect(found.every((p) => p.pointer.startsWith('/entities/0'))).toBe(true);
  });
});
