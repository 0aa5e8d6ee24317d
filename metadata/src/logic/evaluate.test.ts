import { describe, expect, it } from 'vitest';
import { Registry } from '../registry.js';
import { compileLogic, evaluateLogic, installLogicOperations, LogicError, truthy } from './evaluate.js';
import { createLogicOperationRegistry, type LogicOperation } from './operations.js';

const ops = createLogicOperationRegistry();
const run = (expr: unknown, data: Record<string, unknown> = {}) => evaluateLogic(expr, data, ops);

/** The LogicError an evaluation throws, as [code, pointer]; fails the test when it does not throw one. */
function refusal(expr: unknown, data: Record<string, unknown> = {}, registry = ops): [string, string] {
  try {
    evaluateLogic(expr, data, registry);
  } catch (error) {
    if (error instanceof LogicError) return [error.code, error.pointer];
    throw error;
  }
  throw new Error('expected a LogicError');
}

function nested(depth: number): unknown {
  let expr: unknown = 1;
  for (let i = 0; i < depth; i++) expr = { '+': [expr, 1] };
  return expr;
}

describe('json-logic semantics the platform keeps', () => {
  const data = { a: { b: { c: 7 } }, n: null, items: ['x', 'y'], name: 'Anna', one: 1, empty: '' };
  it.each<[string, unknown, unknown]>([
    ['an if chain takes the first truthy branch', { if: [false, 1, true, 2, 3] }, 2],
    ['an if chain falls through to the else', { if: [false, 1, 0, 2, 3] }, 3],
    ['an if without else gives null', { if: [false, 1] }, null],
    ['?:', { '?:': [true, 'a', 'b'] }, 'a'],
    ['var with a dotted path', { var: 'a.b.c' }, 7],
    ['var in the one-element-array form', { var: ['a.b.c'] }, 7],
    ['var default for a missing path', { var: ['x.y', 'dflt'] }, 'dflt'],
    ['var gives null, not the default, for a present null', { var: ['n', 5] }, null],
    ['var into a list by index', { var: 'items.1' }, 'y'],
    ['var to an own string property', { var: 'name.length' }, 4],
    ['missing lists absent and empty keys', { missing: ['a', 'n', 'empty', 'zz'] }, ['n', 'empty', 'zz']],
    ['missing takes one list argument too', { missing: { merge: ['one', 'zz'] } }, ['zz']],
    ['missing_some is [] when enough are there', { missing_some: [1, ['one', 'zz']] }, []],
    ['missing_some lists the absent ones otherwise', { missing_some: [2, ['one', 'zz', 'n']] }, ['zz', 'n']],
    ['map', { map: [[1, 2, 3], { '*': [{ var: '' }, 2] }] }, [2, 4, 6]],
    ['filter', { filter: [[1, 2, 3, 4], { '%': [{ var: '' }, 2] }] }, [1, 3]],
    ['reduce', { reduce: [[1, 2, 3, 4], { '+': [{ var: 'current' }, { var: 'accumulator' }] }, 0] }, 10],
    ['reduce without an initial value starts from null', { reduce: [[], { var: 'current' }] }, null],
    ['map over something that is not a list', { map: [{ var: 'name' }, 1] }, []],
    ['all', { all: [[1, 2], { '>': [{ var: '' }, 0] }] }, true],
    ['all of nothing is false', { all: [[], true] }, false],
    ['none of nothing is true', { none: [[], true] }, true],
    ['some', { some: [[0, 1], { var: '' }] }, true],
    ['in a string', { in: ['Spring', 'Springfield'] }, true],
    ['in a list', { in: ['y', { var: 'items' }] }, true],
    ['in something else', { in: ['x', null] }, false],
    ['cat', { cat: ['I love', ' pie'] }, 'I love pie'],
    ['cat skips null, as join does', { cat: ['a', null, 1.5, true] }, 'a1.5true'],
    ['cat joins a list with commas', { cat: ['<', [1, [2, 3]], '>'] }, '<1,2,3>'],
    ['substr from', { substr: ['jsonlogic', 4] }, 'logic'],
    ['substr from the end', { substr: ['jsonlogic', -5] }, 'logic'],
    ['substr with a length', { substr: ['jsonlogic', 1, 3] }, 'son'],
    ['substr with a negative length drops from the end', { substr: ['jsonlogic', 4, -2] }, 'log'],
    ['substr of null is empty', { substr: [null, 0, 2] }, ''],
    ['merge flattens one level', { merge: [[1, 2], [3], 4, [[5]]] }, [1, 2, 3, 4, [5]]],
    ['! of [] (json-logic truthiness)', { '!': [[]] }, true],
    ['!! of "0"', { '!!': ['0'] }, true],
    ['and gives the first falsy value', { and: [true, 'a', 0, 'b'] }, 0],
    ['or gives the first truthy value', { or: [false, 0, 'a'] }, 'a'],
    ['=== does not coerce', { '===': ['1', 1] }, false],
    ['!== does not coerce', { '!==': ['1', 1] }, true],
    ['a list of expressions', [{ var: 'one' }, 2], [1, 2]],
    ['a literal', 'text', 'text'],
  ])('%s', (_name, expr, expected) => {
    expect(run(expr, data)).toEqual(expected);
  });
});

describe('truthy', () => {
  it.each<[unknown, boolean]>([
    [[], false],
    [[0], true],
    ['', false],
    ['0', true],
    ['0.00', true],
    [0, false],
    [null, false],
    [{}, true],
    [false, false],
  ])('truthy(%j) is %s', (value, expected) => {
    expect(truthy(value)).toBe(expected);
  });
});

describe('refusals', () => {
  it.each<[string, unknown, string, string]>([
    ['json-logic method', { method: [{ var: 'name' }, 'toUpperCase'] }, 'LOGIC_NOT_ALLOWED', '/method'],
    ['an unknown operation', { if: [true, { eval: 'x' }] }, 'LOGIC_NOT_ALLOWED', '/if/1/eval'],
    ['log, which writes to the console', { log: 'x' }, 'LOGIC_NOT_ALLOWED', '/log'],
    ['a dynamic var path', { var: { cat: ['na', 'me'] } }, 'LOGIC_NOT_ALLOWED', '/var'],
    ['a wrong number of arguments', { '/': [1] }, 'LOGIC_NOT_ALLOWED', '/~1'],
    ['an object that is not an operation', { '+': [1, {}] }, 'LOGIC_NOT_ALLOWED', '/+/1'],
    ['a "__proto__" operation', JSON.parse('{"__proto__": [1]}'), 'LOGIC_NOT_ALLOWED', '/__proto__'],
    ['NaN', { '+': [Number.NaN, 1] }, 'LOGIC_NOT_ALLOWED', '/+/0'],
    ['Infinity', { if: [true, Number.POSITIVE_INFINITY] }, 'LOGIC_NOT_ALLOWED', '/if/1'],
    ['undefined', { '+': [undefined, 1] }, 'LOGIC_NOT_ALLOWED', '/+/0'],
    ['a function', { '+': [() => 1, 1] }, 'LOGIC_NOT_ALLOWED', '/+/0'],
    ['nesting 100 deep', nested(100), 'LOGIC_TOO_LARGE', '/+/0'.repeat(25)],
    ['more than 2,000 nodes', { '+': new Array<number>(2001).fill(1) }, 'LOGIC_TOO_LARGE', '/+/1999'],
    ['a string literal over 2,000 characters', { cat: ['x'.repeat(2001)] }, 'LOGIC_TOO_LARGE', '/cat/0'],
  ])('refuses %s', (_name, expr, code, pointer) => {
    expect(refusal(expr)).toEqual([code, pointer]);
  });

  it('refuses an expression that refers to itself', () => {
    const expr: { '+': unknown[] } = { '+': [1] };
    expr['+'].push(expr);
    expect(refusal(expr)[0]).toBe('LOGIC_TOO_LARGE');
  });

  it('refuses an operation its registry allows but nothing implements', () => {
    const registry = createLogicOperationRegistry().register('clamp', { name: 'clamp', minArgs: 3, maxArgs: 3 });
    expect(refusal({ clamp: [1, 2, 3] }, {}, registry)).toEqual(['LOGIC_NOT_ALLOWED', '/clamp']);
  });

  it('refuses an operation another registry installed', () => {
    const withShout = createLogicOperationRegistry().register('shout', {
      name: 'shout',
      minArgs: 1,
      maxArgs: 1,
      apply: (s) => `${String(s)}!`,
    });
    expect(evaluateLogic({ shout: 'hi' }, {}, withShout)).toBe('hi!');
    expect(refusal({ shout: 'hi' })).toEqual(['LOGIC_NOT_ALLOWED', '/shout']);
  });

  it('takes nesting up to the depth limit', () => {
    expect(run(nested(24))).toBe(25);
  });
});

describe('work limits', () => {
  const list = (n: number) => Array.from({ length: n }, (_, i) => i);
  it.each(['map', 'filter', 'all', 'some', 'none', 'reduce'])('%s takes 10,000 items and refuses 10,001', (op) => {
    expect(() => run({ [op]: [{ var: 'xs' }, true] }, { xs: list(10_000) })).not.toThrow();
    expect(refusal({ [op]: [{ var: 'xs' }, true] }, { xs: list(10_001) })).toEqual(['LOGIC_TOO_LARGE', `/${op}/0`]);
  });

  it('cat builds 100,000 characters and refuses 100,001', () => {
    expect(run({ cat: [{ var: 's' }, { var: 's' }] }, { s: 'x'.repeat(50_000) })).toHaveLength(100_000);
    expect(refusal({ if: [true, { cat: [{ var: 's' }, { var: 's' }, 'x'] }] }, { s: 'x'.repeat(50_000) })).toEqual([
      'LOGIC_TOO_LARGE',
      '/if/1/cat',
    ]);
  });

  it('merge refuses a list over 10,000 items', () => {
    expect(refusal({ merge: [{ var: 'xs' }, 1] }, { xs: list(10_000) })).toEqual(['LOGIC_TOO_LARGE', '/merge']);
  });

  it('stops an accumulator that doubles', () => {
    const doubling = { reduce: [{ var: 'xs' }, { merge: [{ var: 'accumulator' }, { var: 'accumulator' }] }, [1]] };
    expect(refusal(doubling, { xs: list(20) })).toEqual(['LOGIC_TOO_LARGE', '/reduce/1/merge']);
  });

  it('caps list items over the whole evaluation', () => {
    const growing = { reduce: [{ var: 'xs' }, { merge: [{ var: 'accumulator' }, 1] }, []] };
    expect(run(growing, { xs: list(1000) })).toHaveLength(1000);
    expect(refusal(growing, { xs: list(10_000) })).toEqual(['LOGIC_TOO_LARGE', '/reduce/1/merge']);
  });

  it('caps characters over the whole evaluation', () => {
    const growing = { reduce: [{ var: 'xs' }, { cat: [{ var: 'accumulator' }, 'x'] }, ''] };
    expect(run(growing, { xs: list(1000) })).toHaveLength(1000);
    expect(refusal(growing, { xs: list(10_000) })).toEqual(['LOGIC_TOO_LARGE', '/reduce/1/cat']);
  });

  it('gives each evaluation a fresh budget', () => {
    const growing = compileLogic({ reduce: [{ var: 'xs' }, { cat: [{ var: 'accumulator' }, 'x'] }, ''] }, ops);
    for (let i = 0; i < 5; i++) expect(growing({ xs: list(4000) })).toHaveLength(4000);
  });
});

describe('operations with implementations', () => {
  const plugin = (name: string, apply: LogicOperation['apply']) =>
    createLogicOperationRegistry().register(name, { name, minArgs: 1, maxArgs: 1, apply });

  it('runs a plugin operation with its arguments only, never the data', () => {
    const registry = plugin('whoami', function (this: unknown) {
      return this;
    });
    expect(evaluateLogic({ whoami: 1 }, { secret: 's' }, registry)).toBeNull();
  });

  it.each<[string, unknown]>([
    ['NaN', Number.NaN],
    ['Infinity', Number.NEGATIVE_INFINITY],
    ['undefined', undefined],
  ])('turns a plugin result of %s into null', (name, value) => {
    expect(
      evaluateLogic(
        { [`give_${name}`]: 1 },
        {},
        plugin(`give_${name}`, () => value),
      ),
    ).toBeNull();
  });

  it('shares one implementation between registries', () => {
    const apply = (x: unknown) => [x];
    expect(evaluateLogic({ wrap: 1 }, {}, plugin('wrap', apply))).toEqual([1]);
    expect(evaluateLogic({ wrap: 2 }, {}, plugin('wrap', apply))).toEqual([2]);
  });

  it('refuses a second, different implementation under the same name', () => {
    expect(
      evaluateLogic(
        { twice: 2 },
        {},
        plugin('twice', (x) => Number(x) * 2),
      ),
    ).toBe(4);
    expect(() =>
      evaluateLogic(
        { twice: 2 },
        {},
        plugin('twice', (x) => Number(x) * 3),
      ),
    ).toThrow('json-logic operation "twice" already has a different implementation');
  });

  it('refuses to replace a hardened built-in', () => {
    const registry = createLogicOperationRegistry().register(
      '+',
      { name: '+', minArgs: 1, maxArgs: 9, apply: () => 0 },
      { override: true },
    );
    expect(() => evaluateLogic({ '+': [1, 2] }, {}, registry)).toThrow(
      `json-logic operation "+" already has the platform's implementation`,
    );
  });

  it.each(['hasOwnProperty', 'toString', 'constructor'])('refuses an operation named %s, which would break json-logic-js', (name) => {
    expect(() =>
      evaluateLogic(
        { [name]: 1 },
        {},
        plugin(name, () => 1),
      ),
    ).toThrow(`json-logic operation "${name}" would shadow Object.prototype.${name}`);
    expect(run({ '+': [1, 2] })).toBe(3);
  });

  it('installs eagerly, so a conflict shows at start-up', () => {
    installLogicOperations(plugin('early', () => 1));
    expect(() => installLogicOperations(plugin('early', () => 2))).toThrow('"early" already has a different implementation');
  });

  it('registers the platform additions with their implementations', () => {
    const names = createLogicOperationRegistry()
      .entries()
      .filter(([, op]) => op.apply)
      .map(([name]) => name);
    expect(names).toEqual([
      'date_add',
      'date_diff',
      'date_part',
      'lower',
      'upper',
      'trim',
      'length',
      'contains',
      'starts_with',
      'ends_with',
      'round',
      'abs',
      'is_empty',
    ]);
  });
});

describe('compileLogic', () => {
  it('evaluates one checked expression against many records', () => {
    const isBig = compileLogic({ '>': [{ var: 'amount' }, '1000.00'] }, ops);
    expect([{ amount: '999.99' }, { amount: '1000.01' }, { amount: 1001 }, {}].map(isBig)).toEqual([false, true, true, false]);
  });

  it('is not affected by later changes to the expression', () => {
    const expr = { '+': [1, 2] as unknown[] };
    const add = compileLogic(expr, ops);
    expr['+'][0] = { method: ['x', 'toString'] };
    expect(add({})).toBe(3);
  });

  it('reads each property of the expression once, so a getter cannot swap it after the check', () => {
    let reads = 0;
    const expr = {
      get '+'() {
        reads++;
        return reads === 1 ? [1, 2] : [{ method: ['x', 'toString'] }];
      },
    };
    expect(evaluateLogic(expr, {}, ops)).toBe(3);
    expect(reads).toBe(1);
  });

  it('refuses before it evaluates', () => {
    expect(() => compileLogic({ method: [] }, ops)).toThrow(LogicError);
  });
});

describe('data', () => {
  it.each<[string, unknown, unknown]>([
    ['NaN becomes null', Number.NaN, null],
    ['Infinity becomes null', Number.POSITIVE_INFINITY, null],
    ['a Date becomes its ISO text', new Date('2026-03-01T10:00:00Z'), '2026-03-01T10:00:00.000Z'],
    ['a bigint becomes a number', 12n, 12],
    ['a big bigint becomes a decimal string', 2n ** 64n, '18446744073709551616'],
    ['undefined is missing', undefined, 'default'],
  ])('%s', (_name, value, expected) => {
    expect(run({ var: ['v', 'default'] }, { v: value })).toEqual(expected);
  });

  it('refuses data that refers to itself', () => {
    const data: Record<string, unknown> = {};
    data.self = data;
    expect(() => run({ var: 'self' }, data)).toThrow(TypeError);
  });

  it('works on an empty registry for literals only', () => {
    expect(evaluateLogic(5, {}, new Registry<LogicOperation>('op'))).toBe(5);
    expect(() => evaluateLogic({ var: 'a' }, {}, new Registry<LogicOperation>('op'))).toThrow(LogicError);
  });
});
