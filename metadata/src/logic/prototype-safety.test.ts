import { describe, expect, it, vi } from 'vitest';
import { evaluateLogic } from './evaluate.js';
import { createLogicOperationRegistry } from './operations.js';

const ops = createLogicOperationRegistry();
const run = (expr: unknown, data: Record<string, unknown>) => evaluateLogic(expr, data, ops);

const record = () => ({
  name: 'Anna',
  amount: '10.50',
  items: ['a', 'b'],
  obj: { inner: { x: 1 } },
  $user: { id: 'u1' },
  n: 5,
});

/** Every own property name (and symbol) of the built-in prototypes an attack would aim at. */
function prototypeSnapshot(): string[] {
  return [Object.prototype, Array.prototype, String.prototype, Number.prototype, Function.prototype].flatMap((proto) =>
    Reflect.ownKeys(proto).map((key) => String(key)),
  );
}

describe('var never reaches a prototype member', () => {
  it.each([
    '__proto__',
    'constructor',
    'prototype',
    'toString',
    'hasOwnProperty',
    'valueOf',
    '__defineGetter__',
    'name.constructor',
    'name.constructor.name',
    'name.__proto__',
    'name.toUpperCase',
    'items.constructor',
    'items.map',
    'items.push',
    'obj.__proto__',
    'obj.inner.constructor.prototype',
    '$user.constructor',
    'n.toFixed',
    'amount.constructor.fromCharCode',
  ])('{"var": "%s"} is null, or the default', (path) => {
    expect(run({ var: path }, record())).toBeNull();
    expect(run({ var: [path, 'default'] }, record())).toBe('default');
  });

  it.each<[string, unknown]>([
    ['name.length', 4],
    ['items.1', 'b'],
    ['items.length', 2],
    ['obj.inner.x', 1],
    ['$user.id', 'u1'],
  ])('{"var": "%s"} still reads own properties', (path, expected) => {
    expect(run({ var: path }, record())).toBe(expected);
  });

  it('never reaches a member through the reduce accumulator', () => {
    const expr = { reduce: [{ var: 'items' }, { var: 'accumulator.constructor' }, 0] };
    expect(run(expr, record())).toBeNull();
  });

  it('drops prototype keys the data carries as own keys', () => {
    const data = JSON.parse('{"__proto__": {"polluted": 1}, "constructor": {"x": 1}, "ok": 1}') as Record<string, unknown>;
    expect(run([{ var: '__proto__.polluted' }, { var: 'constructor.x' }, { var: 'ok' }], data)).toEqual([null, null, 1]);
  });
});

describe('hostile expressions', () => {
  const evil = { toString: 'x', valueOf: 'y', indexOf: 'z', length: 3 };
  it.each<[string, unknown, unknown]>([
    ['cat of an object with an own toString', { cat: ['a', { var: 'evil' }] }, 'a[object Object]'],
    ['== against it', { '==': [{ var: 'evil' }, 'x'] }, false],
    ['< against it', { '<': [{ var: 'evil' }, 1] }, false],
    ['in with it as the haystack', { in: ['x', { var: 'evil' }] }, false],
    ['in with it as the needle', { in: [{ var: 'evil' }, '[object Object]!'] }, true],
    ['substr of it', { substr: [{ var: 'evil' }, 0, 3] }, '[ob'],
    ['arithmetic on it', { '+': [{ var: 'evil' }, 1] }, null],
    ['missing with it as a key', { missing: [{ var: 'evil' }] }, [{ toString: 'x', valueOf: 'y', indexOf: 'z', length: 3 }]],
    [
      'missing with prototype keys',
      { missing: ['__proto__', 'constructor', 'toString', 'name'] },
      ['__proto__', 'constructor', 'toString'],
    ],
    ['merge of the data', { merge: [{ var: '' }] }, [{ name: 'Anna', evil }]],
    ['missing_some with something that is not a list', { missing_some: [1, null] }, []],
  ])('%s', (_name, expr, expected) => {
    expect(run(expr, { name: 'Anna', evil })).toEqual(expected);
  });

  it('leave the built-in prototypes untouched', () => {
    const before = prototypeSnapshot();
    const attacks: unknown[] = [
      { var: '__proto__' },
      { merge: [{ var: '__proto__' }, { var: 'constructor.prototype' }] },
      { map: [{ var: 'items' }, { var: 'constructor.prototype' }] },
      { missing: ['__proto__.polluted', 'constructor.prototype.polluted'] },
      { reduce: [{ var: 'items' }, { merge: [{ var: 'accumulator' }, { var: 'current.__proto__' }] }, []] },
      { in: ['polluted', { var: '__proto__' }] },
      { if: [{ var: 'obj.__proto__' }, { cat: ['x', { var: 'prototype' }] }, null] },
    ];
    for (const attack of attacks) run(attack, record());
    expect(prototypeSnapshot()).toEqual(before);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('never evaluates data as logic', () => {
    const spy = vi.fn(() => 'ran');
    const withSpy = createLogicOperationRegistry().register('spy', { name: 'spy', minArgs: 0, maxArgs: 1, apply: spy });
    expect(evaluateLogic({ spy: [] }, {}, withSpy)).toBe('ran'); // installed into json-logic-js now
    spy.mockClear();
    // json-logic-js's own missing runs each key through apply(), so a key from the data would run.
    const data = { keys: [{ spy: [] }, { upper: 'x' }], X: 1, ran: 1 };
    expect(run({ missing: { var: 'keys' } }, data)).toEqual([{ spy: [] }, { upper: 'x' }]);
    expect(run({ missing_some: [1, { var: 'keys' }] }, data)).toEqual([{ spy: [] }, { upper: 'x' }]);
    expect(spy).not.toHaveBeenCalled();
  });
});

describe('the caller’s data', () => {
  it('is not changed by an evaluation', () => {
    const data = record();
    const expr = { map: [{ var: 'items' }, { cat: [{ var: '' }, '!'] }] };
    expect(run(expr, data)).toEqual(['a!', 'b!']);
    expect(data).toEqual(record());
  });

  it('cannot be changed even by an operation that tries', () => {
    const poke = createLogicOperationRegistry().register('poke', {
      name: 'poke',
      minArgs: 1,
      maxArgs: 1,
      apply: (target) => {
        (target as Record<string, unknown>).x = 2;
        return target;
      },
    });
    const data = record();
    expect(() => evaluateLogic({ poke: { var: 'obj.inner' } }, data, poke)).toThrow(TypeError);
    expect(data).toEqual(record());
  });

  it('is handed out only as frozen copies', () => {
    const data = record();
    const inner = run({ var: 'obj.inner' }, data);
    expect(inner).toEqual({ x: 1 });
    expect(inner).not.toBe(data.obj.inner);
    expect(Object.isFrozen(inner)).toBe(true);
    expect(Object.isFrozen(run({ var: 'items' }, data))).toBe(true);
  });
});
