import { describe, expect, it } from 'vitest';
import type { AnyField } from '../compiled-entity.js';
import { convertCell, numberText } from './import-convert.js';
import type { SheetCell } from './import-sheet.js';

const label = { 'zh-CN': '字段', en: 'Field' };
const f = (type: string, extra: Record<string, unknown> = {}) => ({ key: 'f', type, label, ...extra }) as unknown as AnyField;
const options = [
  { key: 'hot', label: { 'zh-CN': '热', en: 'Hot' } },
  { key: 'cold', label: { 'zh-CN': '冷', en: 'Cold' } },
];
const money = f('currency', { currencyCode: 'CNY', scale: 2 });

describe('convertCell', () => {
  it.each<[string, SheetCell, AnyField, unknown]>([
    ['a whole number', ' 42 ', f('integer'), 42],
    ['an Excel number into an integer', 42, f('integer'), 42],
    ['a decimal as text', '-12.50', money, '-12.50'],
    ['an Excel float without noise', 0.1 + 0.2, money, '0.3'],
    ['yes', 'yes', f('boolean'), true],
    ['否', '否', f('boolean'), false],
    ['an Excel boolean', true, f('boolean'), true],
    ['an ISO date', '2026-03-01', f('date'), '2026-03-01'],
    ['an Excel date cell', new Date(Date.UTC(2026, 3, 15)), f('date'), '2026-04-15'],
    ['an Excel date-time cell', new Date(Date.UTC(2026, 3, 15, 8, 30)), f('datetime'), '2026-04-15T08:30:00.000Z'],
    ['an option by key', 'hot', f('single_select', { options }), 'hot'],
    ['an option by English label', 'Cold', f('single_select', { options }), 'cold'],
    ['an option by Chinese label', '热', f('single_select', { options }), 'hot'],
    ['options separated by , ; ，', 'hot；冷', f('multi_select', { options }), ['hot', 'cold']],
    ['text kept as typed', '  spaced  ', f('text'), '  spaced  '],
    ['a number into text', 1234.5, f('text'), '1234.5'],
    ['an exported, neutralized formula back to its text', "'=1+1", f('text'), '=1+1'],
    ['a record id', '0123456789abcdef01234567', f('lookup', { target: 'account' }), '0123456789abcdef01234567'],
  ])('reads %s', (_what, cell, field, value) => {
    expect(convertCell(cell, field)).toEqual({ kind: 'value', value });
  });

  it.each<[string, SheetCell, AnyField, string]>([
    ['too many decimals', '1.234', money, 'BAD_FORMAT'],
    ['not a number', 'lots', money, 'BAD_FORMAT'],
    ['a number below the minimum', '-3', f('integer', { min: 0 }), 'OUT_OF_RANGE'],
    ['an unknown option', 'warm', f('single_select', { options }), 'NOT_ALLOWED_VALUE'],
    ['a bad date', '2026-02-30', f('date'), 'BAD_FORMAT'],
    ['not yes or no', 'maybe', f('boolean'), 'BAD_FORMAT'],
  ])('refuses %s', (_what, cell, field, code) => {
    expect(convertCell(cell, field)).toMatchObject({ kind: 'problem', code });
  });

  it('leaves empty cells out and looks display values up later', () => {
    expect(convertCell(null, f('text'))).toEqual({ kind: 'empty' });
    expect(convertCell('   ', money)).toEqual({ kind: 'empty' });
    expect(convertCell(' Acme ', f('lookup', { target: 'account' }))).toEqual({ kind: 'lookup', text: 'Acme' });
  });

  it('prints Excel numbers as decimal text', () => {
    expect([numberText(1e21), numberText(1.5e-7), numberText(-0.1), numberText(123456789012)]).toEqual([
      '1e+21',
      '0.00000015',
      '-0.1',
      '123456789012',
    ]);
  });
});
