import { describe, expect, it } from 'vitest';
import { cellText, inferColumns, type SheetCell } from './infer-types.js';

const column = (header: string, cells: SheetCell[], options?: Parameters<typeof inferColumns>[2]) =>
  inferColumns(
    [header],
    cells.map((c) => [c]),
    options,
  )[0]!;

describe('field types proposed from spreadsheet columns', () => {
  it.each<[string, SheetCell[], string]>([
    ['whole numbers', ['1', '20', '-3', ''], 'integer'],
    ['XLSX numbers', [1, 2.5, 3], 'decimal'],
    ['decimals', ['1.50', '20', '3.125'], 'decimal'],
    ['dates', ['2026-01-31', '2026-12-07'], 'date'],
    ['XLSX dates', [new Date('2026-01-31T00:00:00Z'), new Date('2026-02-01T00:00:00Z')], 'date'],
    ['date-times', ['2026-01-31T10:00:00Z', '2026-01-31 11:30'], 'datetime'],
    ['emails', ['a@example.com', 'b.c@example.org'], 'email'],
    ['urls', ['https://example.com', 'http://x.cn/a'], 'url'],
    ['phones with separators', ['+86 138 1234 5678', '010-12345678'], 'phone'],
    ['yes / no', ['yes', 'no', 'yes'], 'boolean'],
    ['是 / 否', ['是', '否', '否'], 'boolean'],
    ['XLSX booleans', [true, false], 'boolean'],
    ['codes with a leading zero', ['007', '012', '123'], 'text'],
    ['names', ['Ann', 'Bob', 'Carl'], 'text'],
    ['long text', ['x'.repeat(300)], 'long_text'],
    ['an empty column', ['', null, undefined], 'text'],
  ])('%s', (_, cells, type) => {
    expect(column('Column', cells).type).toBe(type);
  });

  it('reads a phone from its header even as bare digits (a Chinese mobile number)', () => {
    expect(column('手机', ['13812345678', '13900001111']).type).toBe('phone');
    expect(column('Amount', ['13812345678', '13900001111']).type).toBe('integer');
  });

  it('proposes options from repeated values, in order of first appearance', () => {
    const stage = column('Stage', ['new', 'won', 'new', 'lost', 'won', 'new']);
    expect([stage.type, stage.options]).toEqual(['single_select', ['new', 'won', 'lost']]);
    expect(column('Stage', ['a', 'b', 'c']).type).toBe('text');
  });

  it('proposes a lookup when every value names a record of another entity', () => {
    const lookups = [{ entity: 'account', names: new Set(['Acme', 'Globex']) }];
    expect(column('Customer', ['Acme', 'Globex', 'Acme'], { lookups })).toMatchObject({ type: 'lookup', target: 'account' });
    expect(column('Customer', ['Acme', 'Initech'], { lookups }).type).toBe('text');
  });

  it('keeps the decimal scale, samples and empty count for the admin', () => {
    expect(column('Price', ['1.5', '2.25', '', '2.25'])).toEqual({
      index: 0,
      header: 'Price',
      type: 'decimal',
      scale: 2,
      samples: ['1.5', '2.25'],
      empty: 1,
    });
  });

  it('writes XLSX cells as the import reads them', () => {
    expect([cellText(new Date('2026-03-01T00:00:00Z')), cellText(new Date('2026-03-01T08:30:00Z')), cellText(3.5), cellText(null)]).toEqual(
      ['2026-03-01', '2026-03-01T08:30:00.000Z', '3.5', ''],
    );
  });
});
