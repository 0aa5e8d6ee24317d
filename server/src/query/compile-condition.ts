import type { Document } from 'mongodb';
import type { FilterOp } from '@metacrm/metadata';
import { searchText, storedList, storedValue } from './condition-values.js';
import type { QueryField } from './query-fields.js';
import { QueryError, quote } from './query.errors.js';
import { containsRegex, escapeRegex } from './regex.js';
import { relativeRange } from './relative-period.js';

/** One condition, its field resolved and its operator allowed for the field's type. */
export interface Condition {
  ref: QueryField;
  op: FilterOp;
  value: unknown;
  hasValue: boolean;
  /** The pointer of the condition object. */
  pointer: string;
}

/** What relative periods are computed from. */
export interface Clock {
  now: Date;
  timeZone: string;
}

const COMPARISON = { eq: '$eq', ne: '$ne', gt: '$gt', gte: '$gte', lt: '$lt', lte: '$lte' } as const;

/**
 * The MongoDB query for one condition. Operands are stored values (Decimal128, Date,
 * ObjectId...), and user text only ever reaches a regex escaped. `ne`, `nin` and
 * `notContains` also match records without a value, as MongoDB's $ne / $nin / $not do:
 * a record with no stage is "not won".
 */
export function compileCondition(c: Condition, clock: Clock): Document {
  const { ref, op } = c;
  const path = ref.name;
  const at = `${c.pointer}/value`;
  const isList = ref.traits.value === 'strings' || ref.traits.value === 'files';
  checkPresence(c, at);
  switch (op) {
    // Equality with null matches a missing field and a stored null: records leave out
    // fields without a value, but _deletedAt is stored as null on live records.
    case 'isEmpty':
      return { [path]: isList ? { $in: [null, []] } : { $eq: null } };
    case 'isNotEmpty':
      return { [path]: isList ? { $nin: [null, []] } : { $ne: null } };
    case 'eq':
    case 'ne':
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return { [path]: { [COMPARISON[op]]: storedValue(ref, single(c, at), at) } };
    case 'in':
    case 'nin':
      return { [path]: { [op === 'in' ? '$in' : '$nin']: storedList(ref, c.value, at) } };
    case 'between': {
      const [from, to] = storedList(ref, c.value, at, 2);
      return { [path]: { $gte: from, $lte: to } };
    }
    case 'contains':
    case 'notContains':
      return isList ? elementCondition(c, at) : textCondition(c, at);
    case 'startsWith':
      return { [path]: containsRegex(searchText(ref, c.value, at), true) };
    case 'relative':
      return relativeCondition(c, at, clock);
    default: {
      const never: never = op;
      throw new QueryError('FILTER_OPERATOR_NOT_ALLOWED', `Unknown operator ${quote(String(never))}`, `${c.pointer}/op`);
    }
  }
}

function checkPresence(c: Condition, at: string): void {
  const takesNone = c.op === 'isEmpty' || c.op === 'isNotEmpty';
  if (takesNone && c.hasValue) throw new QueryError('FILTER_VALUE_INVALID', `${c.op} takes no value`, at, c.ref.name);
  if (!takesNone && !c.hasValue) throw new QueryError('FILTER_VALUE_INVALID', `${c.op} needs a value`, at, c.ref.name);
}

/** The operand of an operator that takes one value: not a list, not null. */
function single(c: Condition, at: string): unknown {
  if (Array.isArray(c.value)) throw new QueryError('FILTER_VALUE_INVALID', `${c.op} takes one value, not a list`, at, c.ref.name);
  if (c.value === null) throw new QueryError('FILTER_VALUE_INVALID', `${c.op} takes a value; use isEmpty for "no value"`, at, c.ref.name);
  return c.value;
}

/** contains / notContains on a multi-select: holds (or lacks) one option. */
function elementCondition(c: Condition, at: string): Document {
  const key = storedValue(c.ref, single(c, at), at);
  return { [c.ref.name]: c.op === 'contains' ? { $eq: key } : { $ne: key } };
}

/** contains / notContains on text: a case-insensitive match of the escaped text. */
function textCondition(c: Condition, at: string): Document {
  const text = searchText(c.ref, c.value, at);
  if (c.op === 'contains') return { [c.ref.name]: containsRegex(text) };
  // $not takes a BSON regex rather than {$regex, $options} on older servers.
  return { [c.ref.name]: { $not: new RegExp(escapeRegex(text), 'i') } };
}

function relativeCondition(c: Condition, at: string, clock: Clock): Document {
  const kind = c.ref.traits.value;
  if (kind !== 'date' && kind !== 'datetime') {
    throw new QueryError('FILTER_OPERATOR_NOT_ALLOWED', `relative applies to dates only`, `${c.pointer}/op`, c.ref.name);
  }
  const range = typeof c.value === 'string' ? relativeRange(c.value, kind, clock.now, clock.timeZone) : undefined;
  if (!range)
    throw new QueryError('FILTER_VALUE_INVALID', 'relative takes a period such as today, this_quarter or last_7_days', at, c.ref.name);
  return { [c.ref.name]: { $gte: range[0], $lt: range[1] } };
}
