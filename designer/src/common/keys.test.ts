import { describe, expect, it } from 'vitest';
import { KEY_PATTERN, suggestKey } from './keys';

describe('suggestKey', () => {
  it.each([
    ['Close date', [], 'close_date'],
    ['  Budget (CNY) ', [], 'budget_cny'],
    ['Close date', ['close_date'], 'close_date_2'],
    ['Close date', ['close_date', 'close_date_2'], 'close_date_3'],
    ['预算', [], 'field_1'],
    ['预算', ['field_1'], 'field_2'],
    ['2nd owner', [], 'field_2nd_owner'],
    ['Café', [], 'cafe'],
  ])('%s with %j taken gives %s', (label, taken, key) => {
    expect(suggestKey(label, new Set(taken))).toBe(key);
    expect(key).toMatch(KEY_PATTERN);
  });

  it('stays within 48 characters', () => {
    expect(suggestKey('x'.repeat(100), new Set()).length).toBeLessThanOrEqual(48);
  });
});
