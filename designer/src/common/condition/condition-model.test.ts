import { createFieldTypeRegistry, createLogicOperationRegistry, type Entity } from '@metacrm/metadata';
import { describe, expect, it } from 'vitest';
import { checkCondition, emptyCondition, fromLogic, toLogic, type ConditionGroup } from './condition-model';

const entity = {
  key: 'project',
  label: { 'zh-CN': '项目', en: 'Project' },
  fields: [
    { key: 'name', type: 'text', label: { 'zh-CN': '名称', en: 'Name' } },
    { key: 'budget', type: 'number', label: { 'zh-CN': '预算', en: 'Budget' } },
  ],
} as unknown as Entity;
const fieldTypes = createFieldTypeRegistry();
const operations = createLogicOperationRegistry();

describe('condition builder model <-> json-logic', () => {
  it.each([
    ['one comparison', { '>': [{ var: 'budget' }, 100000] }],
    ['equality with text', { '==': [{ var: 'stage' }, 'won'] }],
    ['in a list', { in: [{ var: 'stage' }, ['won', 'lost']] }],
    ['contains', { contains: [{ var: 'name' }, 'Acme'] }],
    ['is empty', { is_empty: [{ var: 'notes' }] }],
    ['not empty', { '!': { is_empty: [{ var: 'notes' }] } }],
    ['and of two', { and: [{ '>=': [{ var: 'budget' }, 10] }, { '!=': [{ var: 'name' }, null] }] }],
    [
      'or inside and',
      { and: [{ '==': [{ var: '$user.id' }, 'u1'] }, { or: [{ '<': [{ var: 'budget' }, 5] }, { is_empty: [{ var: 'name' }] }] }] },
    ],
  ])('%s round-trips unchanged', (_name, logic) => {
    const model = fromLogic(logic);
    expect(model).toBeDefined();
    expect(toLogic(model!)).toEqual(logic);
  });

  it('reads the shorthand forms json-logic allows and writes the canonical ones', () => {
    expect(toLogic(fromLogic({ '==': [{ var: ['budget'] }, 1] })!)).toEqual({ '==': [{ var: 'budget' }, 1] });
    expect(toLogic(fromLogic({ is_empty: { var: 'name' } })!)).toEqual({ is_empty: [{ var: 'name' }] });
  });

  it.each([
    ['another operation', { if: [{ var: 'budget' }, true, false] }],
    ['a computed operand', { '>': [{ var: 'budget' }, { '*': [2, 3] }] }],
    ['a var with a default', { '==': [{ var: ['budget', 0] }, 1] }],
    ['a literal on the left', { '>': [100, { var: 'budget' }] }],
    ['not of something else', { '!': { var: 'name' } }],
    ['an empty and', { and: [] }],
    ['a bare value', true],
  ])('cannot show %s, which stays JSON', (_name, logic) => {
    expect(fromLogic(logic)).toBeUndefined();
  });

  it('maps no rows to no condition and no condition to an empty group', () => {
    expect(toLogic(emptyCondition())).toBeUndefined();
    expect(fromLogic(undefined)).toEqual(emptyCondition());
  });

  it('builds nested groups', () => {
    const model: ConditionGroup = {
      kind: 'group',
      join: 'or',
      children: [
        { kind: 'rule', field: 'budget', op: '>', value: 100 },
        {
          kind: 'group',
          join: 'and',
          children: [
            { kind: 'rule', field: 'name', op: 'not_empty' },
            { kind: 'rule', field: 'name', op: 'in', value: ['a', 'b'] },
          ],
        },
      ],
    };
    expect(toLogic(model)).toEqual({
      or: [{ '>': [{ var: 'budget' }, 100] }, { and: [{ '!': { is_empty: [{ var: 'name' }] } }, { in: [{ var: 'name' }, ['a', 'b']] }] }],
    });
    expect(fromLogic(toLogic(model))).toEqual(model);
  });

  it("checks a condition with the metadata package's allowlist and the entity's fields", () => {
    expect(checkCondition({ '>': [{ var: 'budget' }, 1] }, entity, fieldTypes, operations, '/visibleWhen')).toEqual([]);
    expect(checkCondition({ '==': [{ var: '$user.id' }, 'x'] }, entity, fieldTypes, operations)).toEqual([]);
    expect(checkCondition({ method: [{ var: 'name' }, 'toString'] }, entity, fieldTypes, operations, '/visibleWhen')).toEqual([
      expect.objectContaining({ code: 'LOGIC_NOT_ALLOWED', pointer: '/visibleWhen/method' }),
    ]);
    expect(checkCondition({ '>': [{ var: 'nope' }, 1] }, entity, fieldTypes, operations, '/v')).toEqual([
      expect.objectContaining({ code: 'UNKNOWN_VARIABLE', pointer: '/v/>/0/var' }),
    ]);
  });
});
