import { describe, expect, it } from 'vitest';
import type { Field } from '../generated/types.js';
import { convertValue } from './convert.js';

const label = { 'zh-CN': '字段', en: 'Field' };
const f = (type: string, extra: Record<string, unknown> = {}) => ({ key: 'f', type, label, ...extra }) as unknown as Field;
const select = f('single_select', {
  options: [
    { key: 'hot', label: { 'zh-CN': '热', en: 'Hot' } },
    { key: 'cold', label: { 'zh-CN': '冷', en: 'Cold' } },
  ],
});

describe('convertValue', () => {
  it.each<[unknown, Field, Field, unknown]>([
    ['42', f('text'), f('integer'), 42],
    [' -7 ', f('text'), f('integer'), -7],
    ['3.0', f('decimal'), f('integer'), 3],
    [42, f('integer'), f('text'), '42'],
    ['12.50', f('text'), f('currency', { currencyCode: 'CNY', scale: 2 }), '12.50'],
    [0.1, f('integer'), f('decimal', { scale: 2 }), '0.1'],
    ['yes', f('text'), f('boolean'), true],
    ['否', f('text'), f('boolean'), false],
    ['2026-11-23', f('text'), f('date'), '2026-11-23'],
    ['2026-11-23T08:30:00+08:00', f('datetime'), f('date'), '2026-11-23'],
    ['2026-11-23', f('date'), f('datetime'), '2026-11-23T00:00:00.000Z'],
    ['Hot', f('text'), select, 'hot'],
    ['hot, 冷', f('text'), f('multi_select', { options: (select as { options: unknown }).options }), ['hot', 'cold']],
    [['a', 'b'], f('multi_select', { options: [] }), f('text'), 'a, b'],
    [null, f('text'), f('integer'), null],
    ['anything', f('text'), f('formula', { resultType: 'text', expression: 1 }), null],
  ])('converts %j from %o to the new type', (value, from, to, expected) => {
    expect(convertValue(value, from, to)).toEqual({ ok: true, value: expected });
  });

  it.each<[unknown, Field, Field, RegExp]>([
    ['abc', f('text'), f('integer'), /whole number/],
    ['1.5', f('text'), f('integer'), /whole number/],
    ['99999999999999999', f('text'), f('integer'), /whole number/],
    ['12.345', f('text'), f('currency', { currencyCode: 'CNY', scale: 2 }), /decimal places/],
    ['5', f('text'), f('integer', { max: 3 }), /at most 3/],
    ['2026-02-30', f('text'), f('date'), /must be a date/],
    ['maybe', f('text'), f('boolean'), /yes or no/],
    ['warm', f('text'), select, /not an option/],
    ['x'.repeat(300), f('long_text'), f('text'), /at most 255 characters/],
    ['not mail', f('text'), f('email'), /valid email/],
    [
      '65f0c0ffee00000000000000',
      f('lookup', { target: 'account' }),
      f('lookup', { target: 'contact' }),
      /cannot become a lookup of contact/,
    ],
  ])('refuses %j from %o, saying why', (value, from, to, reason) => {
    const result = convertValue(value, from, to);
    expect(result.ok).toBe(false);
    expect((result as { reason: string }).reason).toMatch(reason);
  });
});
