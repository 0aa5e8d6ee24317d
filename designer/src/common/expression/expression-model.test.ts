import { createFieldTypeRegistry, createLogicOperationRegistry, type Entity } from '@metacrm/metadata';
import { describe, expect, it } from 'vitest';
import { functionEntries, sampleRecord, tryExpression } from './expression-model';

const operations = createLogicOperationRegistry();
const fieldTypes = createFieldTypeRegistry();
const entity = {
  key: 'project',
  label: { 'zh-CN': '项目', en: 'Project' },
  fields: [
    { key: 'name', type: 'text', label: { 'zh-CN': '名称', en: 'Name' } },
    { key: 'budget', type: 'currency', label: { 'zh-CN': '预算', en: 'Budget' }, currencyCode: 'CNY' },
    { key: 'start', type: 'date', label: { 'zh-CN': '开始', en: 'Start' } },
    {
      key: 'stage',
      type: 'single_select',
      label: { 'zh-CN': '阶段', en: 'Stage' },
      options: [{ key: 'new', label: { 'zh-CN': '新', en: 'New' } }],
    },
  ],
} as unknown as Entity;

describe('expression builder model', () => {
  it("lists the registry's functions with their signatures, var left to the field picker", () => {
    const entries = functionEntries(operations);
    expect(entries.find((e) => e.name === 'var')).toBeUndefined();
    expect(entries.find((e) => e.name === 'round')).toEqual({ name: 'round', signature: 'round(a1, [a2])', template: '{"round":[null]}' });
    expect(entries.find((e) => e.name === 'date_add')!.signature).toBe('date_add(a1, a2, a3)');
    expect(entries.find((e) => e.name === 'cat')!.signature).toBe('cat(…)');
  });

  it('makes a sample record in API form from the field types', () => {
    const sample = sampleRecord(entity, fieldTypes, new Date('2026-12-07T10:00:00Z'));
    expect(sample).toEqual({ name: 'Sample', budget: '1200.50', start: '2026-12-07', stage: 'new' });
  });

  it('evaluates at once, answering the value or the error', () => {
    const sample = { budget: '1200.50', name: 'Apollo' };
    expect(tryExpression({ '*': [{ var: 'budget' }, 2] }, sample, operations)).toEqual({ ok: true, value: 2401 });
    expect(tryExpression({ upper: [{ var: 'name' }] }, sample, operations)).toEqual({ ok: true, value: 'APOLLO' });
    const refused = tryExpression({ method: [{ var: 'name' }, 'toString'] }, sample, operations);
    expect(refused.ok).toBe(false);
  });
});
