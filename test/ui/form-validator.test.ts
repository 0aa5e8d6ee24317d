import { describe, expect, it } from 'vitest';
import { problemMessage } from '@metacrm/metadata';

/*
 * The form validator of the UI kit words its errors from the metadata package's
 * catalogue, so the browser says what the server says, in both languages. It is loaded
 * by a path the root type check leaves alone (the kit compiles with bundler resolution).
 */
type Validator = { validateFormData: (data: unknown, schema: unknown) => { errors: { property: string; message: string }[] } };
const load = async <T>(path: string): Promise<T> => (await import(/* @vite-ignore */ path)) as T;
const { CspSafeValidator } = await load<{ CspSafeValidator: new (locale: string) => Validator }>(
  '../../runtime-ui/kit/src/forms/schema-validator',
);

const schema = {
  type: 'object',
  required: ['title'],
  properties: {
    title: { type: 'string', maxLength: 5 },
    amount: { type: 'number', minimum: 0, maximum: 100 },
    email: { type: 'string', format: 'email' },
    stage: { type: 'string', enum: ['new', 'won'] },
  },
};

describe('form validator messages', () => {
  it.each([
    ['en', { amount: 3 }, '.title', { code: 'REQUIRED' as const }],
    ['zh-CN', { amount: 3 }, '.title', { code: 'REQUIRED' as const }],
    ['en', { title: 'too long' }, '.title', { code: 'OUT_OF_RANGE' as const, params: { maxLength: 5 } }],
    ['zh-CN', { title: 'x', amount: 101 }, '.amount', { code: 'OUT_OF_RANGE' as const, params: { max: 100 } }],
    ['en', { title: 'x', amount: -1 }, '.amount', { code: 'OUT_OF_RANGE' as const, params: { min: 0 } }],
    ['zh-CN', { title: 'x', email: 'nope' }, '.email', { code: 'BAD_FORMAT' as const, params: { format: 'email' } }],
    ['en', { title: 'x', stage: 'lost' }, '.stage', { code: 'NOT_ALLOWED_VALUE' as const, params: { allowed: ['new', 'won'] } }],
  ] as const)('%s: %j fails on %s as the server words it', (locale, data, property, problem) => {
    const { errors } = new CspSafeValidator(locale).validateFormData(data, schema);
    const error = errors.find((e) => e.property === property);
    expect(error?.message).toBe(problemMessage(problem, locale));
  });

  it('words a bound from the schema in the chosen language', () => {
    const { errors } = new CspSafeValidator('zh-CN').validateFormData({ title: 'x', amount: 101 }, schema);
    expect(errors.map((e) => e.message)).toEqual(['不能大于 100']);
  });
});
