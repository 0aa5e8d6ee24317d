/**
 * Fields the engine sets on every record, never the client. Their names start with an
 * underscore, which metadata keys cannot, so they never clash with admin fields.
 * Each is typed like the field type it behaves as, for filters and sorts.
 */
export const SYSTEM_FIELDS = {
  _id: 'text',
  _version: 'integer',
  _createdAt: 'datetime',
  _updatedAt: 'datetime',
  _createdBy: 'user',
  _updatedBy: 'user',
  _ownerId: 'user',
  _deletedAt: 'datetime',
} as const;

export type SystemField = keyof typeof SYSTEM_FIELDS;

export function isSystemField(name: string): name is SystemField {
  return Object.hasOwn(SYSTEM_FIELDS, name);
}

/**
 * Keys an admin may not use: names that shadow JavaScript object internals, and `id`,
 * which clients would confuse with the record id.
 */
export const RESERVED_KEYS: readonly string[] = [
  'id',
  'constructor',
  'prototype',
  'hasownproperty',
  'tostring',
  'valueof',
  'isprototypeof',
];

/**
 * Role keys the platform defines itself: `admin` grants everything and is assigned to
 * users directly, so metadata may neither define nor redefine it.
 */
export const BUILT_IN_ROLE_KEYS: readonly string[] = ['admin'];

/** Variables every record expression may read besides the record's fields. */
export const CONTEXT_VARS: readonly string[] = [
  '$now',
  '$today',
  '$user.id',
  '$user.email',
  '$user.name',
  '$user.locale',
  '$user.departmentId',
  '$user.roles',
];

/** Relative date periods of the filter language's `relative` operator. */
export const RELATIVE_PERIOD =
  /^(today|yesterday|tomorrow|(this|last|next)_(week|month|quarter|year)|(last|next)_([1-9]\d{0,3})_(days|weeks|months))$/;
