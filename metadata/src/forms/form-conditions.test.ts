import vm from 'node:vm';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import type { Form } from '../generated/types.js';
import { createLogicOperationRegistry } from '../logic/operations.js';
import { compileFormConditions, defaultFormOf, formFieldStates, type FormFieldState } from './form-conditions.js';

const l = (en: string) => ({ 'zh-CN': en, en });
const ops = createLogicOperationRegistry();
const is = (field: string, value: string) => ({ '==': [{ var: field }, value] });

/** A deal form: a details tab, a loss tab shown only for lost deals, a section for managers. */
const form: Form = {
  key: 'deal_form',
  entity: 'deal',
  label: l('Deal'),
  default: true,
  layout: {
    tabs: [
      {
        key: 'details',
        label: l('Details'),
        sections: [
          {
            key: 'main',
            fields: [
              { field: 'title' },
              { field: 'amount', readOnlyWhen: is('stage', 'won') },
              { field: 'close_date', requiredWhen: { in: [{ var: 'stage' }, ['won', 'lost']] } },
              {
                field: 'discount',
                visibleWhen: { '>': [{ var: 'amount' }, '1000'] },
                requiredWhen: { '>': [{ var: 'amount' }, '5000.00'] },
              },
            ],
          },
          {
            key: 'approval',
            visibleWhen: { in: ['manager', { var: '$user.roles' }] },
            fields: [{ field: 'approved', requiredWhen: true, readOnlyWhen: { var: 'approved' } }],
          },
        ],
      },
      {
        key: 'loss',
        label: l('Loss'),
        visibleWhen: is('stage', 'lost'),
        sections: [{ key: 'why', fields: [{ field: 'loss_reason', requiredWhen: true }] }],
      },
    ],
  },
};
const conditions = compileFormConditions(form, ops);
const state = (visible: boolean, required: boolean, readOnly: boolean): FormFieldState => ({ visible, required, readOnly });
const rep = { $user: { id: 'u1', roles: ['rep'] } };
const manager = { $user: { id: 'u2', roles: ['manager'] } };

describe('formFieldStates', () => {
  it.each<[string, Record<string, unknown>, Record<string, FormFieldState>]>([
    [
      'a new deal, for a rep',
      { stage: 'new', ...rep },
      {
        title: state(true, false, false),
        amount: state(true, false, false),
        close_date: state(true, false, false),
        discount: state(false, false, false),
        approved: state(false, false, false),
        loss_reason: state(false, false, false),
      },
    ],
    [
      'a won deal: amount locked, close date required',
      { stage: 'won', amount: '200.00', ...rep },
      {
        amount: state(true, false, true),
        close_date: state(true, true, false),
        loss_reason: state(false, false, false),
      },
    ],
    [
      'a lost deal: its tab shows and requires a reason',
      { stage: 'lost', ...rep },
      {
        close_date: state(true, true, false),
        loss_reason: state(true, true, false),
      },
    ],
    [
      'a large deal: discount shows, compared as exact decimals',
      { stage: 'new', amount: '1000.01', ...rep },
      {
        discount: state(true, false, false),
      },
    ],
    [
      'a very large deal: discount required',
      { stage: 'new', amount: '5000.01', ...rep },
      {
        discount: state(true, true, false),
      },
    ],
    [
      'exactly at the threshold: not more than 1000',
      { stage: 'new', amount: '1000.00', ...rep },
      {
        discount: state(false, false, false),
      },
    ],
    [
      'a manager sees the approval section; approving locks it',
      { stage: 'new', approved: true, ...manager },
      {
        approved: state(true, true, true),
      },
    ],
    [
      'a hidden field is never required, but its read-only condition still says so',
      { stage: 'new', amount: '9000', approved: true, ...rep },
      {
        approved: state(false, false, true),
        discount: state(true, true, false),
      },
    ],
  ])('%s', (_what, data, expected) => {
    const { fields, errors } = formFieldStates(conditions, data);
    expect(errors).toEqual([]);
    expect(Object.fromEntries(Object.keys(expected).map((k) => [k, fields.get(k)]))).toEqual(expected);
  });

  it('knows only the fields the form places', () => {
    const { fields } = formFieldStates(conditions, { stage: 'won' });
    expect([...fields.keys()].sort()).toEqual(['amount', 'approved', 'close_date', 'discount', 'loss_reason', 'title']);
    expect(fields.has('stage')).toBe(false);
  });

  it('reads a frozen copy: the data is neither frozen nor changed, and no prototype member is reachable', () => {
    const data = { stage: 'lost', amount: '5', tags: ['a'], ...rep };
    const risky = compileFormConditions(
      {
        ...form,
        layout: {
          tabs: [
            {
              key: 't',
              label: l('T'),
              sections: [
                {
                  key: 's',
                  fields: [{ field: 'title', requiredWhen: { var: 'stage.constructor' }, readOnlyWhen: { var: 'amount.toString' } }],
                },
              ],
            },
          ],
        },
      },
      ops,
    );
    expect(formFieldStates(risky, data).fields.get('title')).toEqual(state(true, false, false));
    expect(Object.isFrozen(data) || Object.isFrozen(data.tags)).toBe(false);
    expect(data).toEqual({ stage: 'lost', amount: '5', tags: ['a'], ...rep });
  });

  it('reports a condition that fails, with where it is, and leaves the field visible', () => {
    const long = compileFormConditions(
      {
        ...form,
        layout: {
          tabs: [
            {
              key: 't',
              label: l('T'),
              sections: [
                {
                  key: 's',
                  fields: [
                    {
                      field: 'title',
                      visibleWhen: { '==': [{ cat: [{ var: 'notes' }, { var: 'notes' }] }, 'x'] },
                      readOnlyWhen: { '==': [1, 1] },
                    },
                  ],
                },
              ],
            },
          ],
        },
      },
      ops,
    );
    const { fields, errors } = formFieldStates(long, { notes: 'n'.repeat(60_000) });
    expect(fields.get('title')).toEqual(state(true, false, true));
    expect(errors).toEqual([
      { condition: '/layout/tabs/0/sections/0/fields/0/visibleWhen', field: 'title', message: expect.stringContaining('longer than') },
    ]);
  });

  it('compiles a condition the evaluator refuses without throwing, and reports it on each evaluation', () => {
    const bad = compileFormConditions(
      {
        ...form,
        layout: {
          tabs: [{ key: 't', label: l('T'), visibleWhen: { eval: ['x'] }, sections: [{ key: 's', fields: [{ field: 'title' }] }] }],
        },
      },
      ops,
    );
    const { fields, errors } = formFieldStates(bad, {});
    expect(fields.get('title')).toEqual(state(true, false, false));
    expect(errors).toEqual([{ condition: '/layout/tabs/0/visibleWhen', message: expect.stringContaining('eval') }]);
  });

  it('says whether a form has any condition at all', () => {
    expect(conditions.conditional).toBe(true);
    const plain = compileFormConditions(
      { ...form, layout: { tabs: [{ key: 't', label: l('T'), sections: [{ key: 's', fields: [{ field: 'title' }] }] }] } },
      ops,
    );
    expect(plain.conditional).toBe(false);
  });
});

describe('defaultFormOf', () => {
  const f = (key: string, entity: string, isDefault?: boolean) => ({
    key,
    entity,
    ...(isDefault === undefined ? {} : { default: isDefault }),
  });
  it.each<[string, ReturnType<typeof f>[], string | undefined]>([
    ['the one marked default', [f('a', 'deal'), f('b', 'deal', true), f('c', 'deal')], 'b'],
    ['the only form', [f('a', 'deal', false), f('x', 'account', true)], 'a'],
    ['none among several without a default', [f('a', 'deal'), f('b', 'deal')], undefined],
    ['none for an entity without forms', [f('x', 'account', true)], undefined],
  ])('picks %s', (_what, forms, expected) => {
    expect(defaultFormOf(forms, 'deal')?.key).toBe(expected);
  });
});

describe('formFieldStates without Node', () => {
  it('runs in a bare JavaScript context, as the runtime UI runs it', async () => {
    const bundle = await build({
      stdin: {
        contents:
          "export { compileFormConditions, formFieldStates } from './form-conditions.ts';\nexport { createLogicOperationRegistry } from '../logic/operations.ts';",
        resolveDir: import.meta.dirname,
        loader: 'ts',
      },
      bundle: true,
      write: false,
      format: 'iife',
      globalName: 'forms',
      platform: 'neutral',
      mainFields: ['module', 'main'],
      logLevel: 'silent',
    });
    const context = vm.createContext({ form: JSON.parse(JSON.stringify(form)) });
    vm.runInContext(bundle.outputFiles[0]!.text, context);
    const result = vm.runInContext(
      `const compiled = forms.compileFormConditions(form, forms.createLogicOperationRegistry());
       const { fields, errors } = forms.formFieldStates(compiled, { stage: 'lost', amount: '5000.01', $user: { roles: ['rep'] } });
       JSON.stringify([typeof process, typeof Buffer, errors, Object.fromEntries(fields)])`,
      context,
    ) as string;
    expect(JSON.parse(result)).toEqual([
      'undefined',
      'undefined',
      [],
      {
        title: state(true, false, false),
        amount: state(true, false, false),
        close_date: state(true, true, false),
        discount: state(true, true, false),
        approved: state(false, false, false),
        loss_reason: state(true, true, false),
      },
    ]);
  });
});
