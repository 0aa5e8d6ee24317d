import { describe, expect, it } from 'vitest';
import { csvLine } from './csv-write.js';
import { exactNumber, neutralize, numericCell } from './neutralize.js';

describe('neutralize', () => {
  it.each([
    ['=1+1', "'=1+1"],
    ['+cmd', "'+cmd"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1:A9)', "'@SUM(A1:A9)"],
    ['\t=1', "'\t=1"],
    ['\r=1', "'\r=1"],
    ['-12.50', "'-12.50"],
    ['plain', 'plain'],
    ['a=1', 'a=1'],
    ["'=1", "'=1"],
    ['', ''],
    ['＝1', '＝1'],
  ])('writes %j as %j in a text column', (text, expected) => {
    expect(neutralize(text)).toBe(expected);
  });

  it.each<[string, number | undefined, string]>([
    ['-12.50', -12.5, '-12.50'],
    ['2000.00', 2000, '2000.00'],
    ['0.10', 0.1, '0.10'],
    ['-0.00', 0, '-0.00'],
    ['7', 7, '7'],
    ['12345678901234567.89', undefined, '12345678901234567.89'],
    ['-2+3', undefined, "'-2+3"],
    ['=1+1', undefined, "'=1+1"],
    ['-1e5', undefined, "'-1e5"],
    ['+5', undefined, "'+5"],
  ])('keeps a genuine number in a numeric column: %j → number %j, text %j', (text, number, csv) => {
    expect(numericCell(text)).toEqual({ number, text: csv });
  });

  it('never turns a decimal into a different number', () => {
    expect(exactNumber('0.1')).toBe(0.1);
    expect(exactNumber('9007199254740993')).toBeUndefined();
    expect(exactNumber('007')).toBe(7);
  });
});

describe('csvLine', () => {
  it('quotes only what needs it and ends with CRLF', () => {
    expect(csvLine(['a', 'b,c', 'say "hi"', 'two\nlines', "'=1+1", ''])).toBe('a,"b,c","say ""hi""","two\nlines",\'=1+1,\r\n');
  });
});
