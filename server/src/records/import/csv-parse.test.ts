import { describe, expect, it } from 'vitest';
import { parseCsv, sniffDelimiter } from './csv-parse.js';

const rows = (text: string) => [...parseCsv(text)].map((r) => r.fields);

describe('parseCsv', () => {
  it.each<[string, string, string[][]]>([
    [
      'simple lines',
      'a,b\n1,2\n',
      [
        ['a', 'b'],
        ['1', '2'],
      ],
    ],
    [
      'CRLF and no final break',
      'a,b\r\n1,2',
      [
        ['a', 'b'],
        ['1', '2'],
      ],
    ],
    [
      'quoted delimiters, quotes and breaks',
      'a,b\n"x,y","say ""hi""\nthere"\n',
      [
        ['a', 'b'],
        ['x,y', 'say "hi"\nthere'],
      ],
    ],
    ['empty fields', ',,\n', [['', '', '']]],
    [
      'semicolons',
      'a;b\n1;2\n',
      [
        ['a', 'b'],
        ['1', '2'],
      ],
    ],
    [
      'tabs',
      'a\tb\n"1,5"\t2\n',
      [
        ['a', 'b'],
        ['1,5', '2'],
      ],
    ],
    [
      'Chinese text',
      '名称,金额\n客户甲,1\n',
      [
        ['名称', '金额'],
        ['客户甲', '1'],
      ],
    ],
    ['an unclosed quote (kept to the end)', 'a\n"open,\n', [['a'], ['open,\n']]],
  ])('reads %s', (_what, text, expected) => {
    expect(rows(text)).toEqual(expected);
  });

  it('numbers records from the header (1), counting blank lines', () => {
    expect([...parseCsv('h\n\nx\n')].map((r) => [r.number, r.fields])).toEqual([
      [1, ['h']],
      [2, ['']],
      [3, ['x']],
    ]);
  });

  it('sniffs the delimiter from the first record outside quotes', () => {
    expect(sniffDelimiter('"a;b",c\n')).toBe(',');
    expect(sniffDelimiter('a;b;c,d\n')).toBe(';');
    expect(sniffDelimiter('single\n')).toBe(',');
  });
});
