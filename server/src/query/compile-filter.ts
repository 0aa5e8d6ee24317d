import type { Document } from 'mongodb';
import type { Entity } from '@metacrm/metadata';
import { compileCondition, type Clock } from './compile-condition.js';
import { parseFilter, type FilterNode } from './filter-shape.js';
import { assertReadable, resolveField, type FieldOptions } from './query-fields.js';
import { QueryError, quote } from './query.errors.js';
import { zoneFormatter } from './relative-period.js';

/** How compileFilter reads fields, computes relative dates and treats deleted records. */
export interface FilterOptions extends FieldOptions {
  /** The instant relative periods (today, this_week...) are computed from. */
  now: Date;
  /** The IANA time zone whose calendar relative periods follow; 'UTC' by default. */
  timeZone?: string;
  /** Also match soft-deleted records. */
  includeDeleted?: boolean;
  /** Match only soft-deleted records: the recycle bin. */
  deletedOnly?: boolean;
  /**
   * The id of the user the query runs for: a user field compared with `"$user"` (`eq`,
   * `ne`, `in`, `nin`) compares with it, so a saved view or a dashboard widget can say
   * "mine". Without it, `"$user"` is refused.
   */
  user?: string | undefined;
}

/**
 * Compiles a filter of the filter language (`{and}`, `{or}`, `{not}`,
 * `{field, op, value}`; see common.schema.json) into a MongoDB query.
 *
 * The filter is untrusted JSON and is validated here whether or not it passed the JSON
 * Schema: exact keys, known fields, operators allowed by each field's type, operands of
 * the field's value kind, and FILTER_LIMITS. Nothing of the input reaches MongoDB but
 * field names from the metadata, operators from an allowlist and operands converted by
 * the record codec. Live records only, unless `includeDeleted` or `deletedOnly`.
 *
 * @param filter the filter, or undefined for none
 * @throws QueryError 400 for a filter that is not valid; 403 FIELD_NOT_READABLE for a
 *   field that `canRead` refuses
 */
export function compileFilter(filter: unknown, entity: Entity, options: FilterOptions): Document {
  const clock: Clock = { now: options.now, timeZone: options.timeZone ?? 'UTC' };
  // An unknown zone is refused even when no condition is relative, so it shows at once.
  zoneFormatter(clock.timeZone);
  const deleted = deletedClause(options);
  if (filter === undefined) return deleted ?? {};
  const compiled = compileNode(parseFilter(filter), entity, options, clock);
  if (Object.keys(compiled).length === 0) return deleted ?? {};
  return deleted ? combineQueries(deleted, compiled) : compiled;
}

function deletedClause(options: FilterOptions): Document | undefined {
  if (options.includeDeleted && options.deletedOnly) throw new Error('includeDeleted and deletedOnly exclude each other');
  if (options.deletedOnly) return { _deletedAt: { $ne: null } };
  return options.includeDeleted ? undefined : { _deletedAt: null };
}

// Recursion is safe: parseFilter has bounded the depth to FILTER_LIMITS.depth.
function compileNode(node: FilterNode, entity: Entity, options: FilterOptions, clock: Clock): Document {
  switch (node.kind) {
    case 'and':
      // An empty and is "no condition", as a filter builder with no rows sends it.
      return node.items.length === 0 ? {} : combineQueries(...node.items.map((n) => compileNode(n, entity, options, clock)));
    case 'or':
      if (node.items.length === 0) throw new QueryError('FILTER_INVALID', 'or needs at least one filter', `${node.pointer}/or`);
      return { $or: node.items.map((n) => compileNode(n, entity, options, clock)) };
    case 'not':
      return { $nor: [compileNode(node.item, entity, options, clock)] };
    case 'condition':
      return compileLeaf(node, entity, options, clock);
  }
}

function compileLeaf(node: Extract<FilterNode, { kind: 'condition' }>, entity: Entity, options: FilterOptions, clock: Clock): Document {
  const ref = resolveField(node.field, entity, options.fieldTypes);
  if (!ref)
    throw new QueryError(
      'FILTER_FIELD_UNKNOWN',
      `${quote(node.field)} is not a field of ${entity.key}`,
      `${node.pointer}/field`,
      node.field,
    );
  assertReadable(ref, options.canRead, `${node.pointer}/field`);
  if (!ref.traits.operators.includes(node.op)) {
    const allowed = ref.traits.operators.join(', ');
    throw new QueryError(
      'FILTER_OPERATOR_NOT_ALLOWED',
      `${node.op} cannot be used on ${quote(ref.name)}; it allows ${allowed}`,
      `${node.pointer}/op`,
      ref.name,
    );
  }
  const value = ref.traits.reference === 'user' ? withCurrentUser(node.value, options.user, node.pointer) : node.value;
  return compileCondition({ ref, op: node.op, value, hasValue: node.hasValue, pointer: node.pointer }, clock);
}

/** The value of a user field's condition with `"$user"` (alone or in a list) replaced by the current user's id. */
function withCurrentUser(value: unknown, user: string | undefined, pointer: string): unknown {
  const one = (v: unknown, at: string): unknown => {
    if (v !== CURRENT_USER) return v;
    if (user === undefined) throw new QueryError('FILTER_VALUE_INVALID', `${quote(CURRENT_USER)} needs a signed-in user`, at);
    return user;
  };
  return Array.isArray(value) ? value.map((v, i) => one(v, `${pointer}/value/${i}`)) : one(value, `${pointer}/value`);
}

/** The operand that stands for the user a query runs for (user ids never contain `$`). */
export const CURRENT_USER = '$user';

/**
 * ANDs query parts (a filter's conditions, the live-records clause, search, keyset
 * position, an access scope), leaving out empty ones. Nested `$and`s are flattened and
 * parts whose top-level keys do not meet are merged into one document, which MongoDB
 * reads as the same AND: `{_deletedAt: null, status: {$eq: 'won'}}` rather than
 * `{$and: [...]}`, so that planners which only look at top-level fields (SecantusDB's)
 * see the fields an index covers. Parts whose keys meet stay in `$and`.
 */
export function combineQueries(...parts: Document[]): Document {
  const flat = parts.flatMap(flattenAnd).filter((part) => Object.keys(part).length > 0);
  const merged: Document = {};
  const rest: Document[] = [];
  for (const part of flat) {
    if (Object.keys(part).some((key) => key in merged || key === '$and')) rest.push(part);
    else Object.assign(merged, part);
  }
  if (rest.length === 0) return merged;
  if (Object.keys(merged).length === 0) return rest.length === 1 ? rest[0]! : { $and: rest };
  return { ...merged, $and: rest };
}

/** The conjuncts of a query: the items of a lone `$and` (recursively), else the query itself. */
function flattenAnd(query: Document): Document[] {
  const keys = Object.keys(query);
  return keys.length === 1 && keys[0] === '$and' && Array.isArray(query.$and) ? (query.$and as Document[]).flatMap(flattenAnd) : [query];
}
