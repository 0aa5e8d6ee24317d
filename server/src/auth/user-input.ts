import type { ObjectId } from 'mongodb';
import { ADMIN_ROLE } from '../actor/actor.js';
import { passwordProblems } from './password.js';
import { LOCALES, parseId, type UserLocale } from './user-model.js';

export interface InputProblem {
  pointer: string;
  code: string;
  message: string;
}

/** The fields of a user an administrator sets; each optional in a patch. */
export interface UserInput {
  email?: string;
  name?: string;
  phone?: string | null;
  locale?: UserLocale;
  active?: boolean;
  managerId?: ObjectId | null;
  departmentId?: ObjectId | null;
  roles?: string[];
  password?: string;
}

const EMAIL = /^[^\s@]{1,64}@[^\s@.]+(\.[^\s@.]+)+$/;
const PHONE = /^\+?[0-9 ()-]{3,30}$/;

/**
 * Reads a user body into typed fields, collecting every problem with its pointer
 * rather than stopping at the first. `create` requires email and name; a patch
 * requires nothing. Role keys must be `admin` or a role the current metadata defines.
 */
export function readUserInput(
  body: unknown,
  mode: 'create' | 'patch',
  roleKeys: ReadonlySet<string>,
): { input: UserInput; problems: InputProblem[] } {
  const problems: InputProblem[] = [];
  const input: UserInput = {};
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    return { input, problems: [{ pointer: '', code: 'WRONG_TYPE', message: 'must be a JSON object' }] };
  const record = body as Record<string, unknown>;
  const bad = (field: string, code: string, message: string) => problems.push({ pointer: `/${field}`, code, message });
  for (const key of Object.keys(record)) {
    if (!['email', 'name', 'phone', 'locale', 'active', 'managerId', 'departmentId', 'roles', 'password', '_version'].includes(key))
      bad(key, 'UNKNOWN_PROPERTY', `"${key}" is not a user field`);
  }
  if (mode === 'patch' && 'password' in record) bad('password', 'NOT_ALLOWED', 'change a password with reset-password');
  for (const field of mode === 'create' ? ['email', 'name'] : []) if (record[field] === undefined) bad(field, 'REQUIRED', 'is required');

  if (record.email !== undefined) {
    if (typeof record.email !== 'string' || !EMAIL.test(record.email.trim()) || record.email.length > 254)
      bad('email', 'BAD_FORMAT', 'must be an email address');
    else input.email = record.email.trim().toLowerCase();
  }
  if (record.name !== undefined) {
    if (typeof record.name !== 'string' || record.name.trim() === '' || record.name.length > 100)
      bad('name', 'BAD_FORMAT', 'must be text of 1 to 100 characters');
    else input.name = record.name.trim();
  }
  if (record.phone !== undefined) {
    if (record.phone === null || record.phone === '') input.phone = null;
    else if (typeof record.phone !== 'string' || !PHONE.test(record.phone)) bad('phone', 'BAD_FORMAT', 'must be a phone number');
    else input.phone = record.phone;
  }
  if (record.locale !== undefined) {
    if (!LOCALES.includes(record.locale as UserLocale)) bad('locale', 'NOT_ALLOWED_VALUE', `must be one of ${LOCALES.join(', ')}`);
    else input.locale = record.locale as UserLocale;
  }
  if (record.active !== undefined) {
    if (typeof record.active !== 'boolean') bad('active', 'WRONG_TYPE', 'must be true or false');
    else input.active = record.active;
  }
  for (const field of ['managerId', 'departmentId'] as const) {
    const value = record[field];
    if (value === undefined) continue;
    if (value === null) input[field] = null;
    else if (parseId(value) === undefined) bad(field, 'BAD_FORMAT', 'must be an id (24 hex digits) or null');
    else input[field] = parseId(value)!;
  }
  if (record.roles !== undefined) {
    if (!Array.isArray(record.roles) || record.roles.length > 50) bad('roles', 'WRONG_TYPE', 'must be a list of role keys');
    else {
      record.roles.forEach((role, i) => {
        if (typeof role !== 'string' || (role !== ADMIN_ROLE && !roleKeys.has(role)))
          problems.push({ pointer: `/roles/${i}`, code: 'UNKNOWN_ROLE', message: `no role "${String(role)}"` });
      });
      input.roles = [...new Set(record.roles as string[])];
    }
  }
  if (record.password !== undefined && mode === 'create') {
    const found = passwordProblems(record.password, '/password');
    problems.push(...found);
    if (found.length === 0) input.password = record.password as string;
  }
  return { input, problems };
}
