import type { Document } from 'mongodb';

/**
 * What the actor may see of related records (lookup targets, expanded records, the
 * display names of report groups). The record engine passes its access here so a
 * related record's name never reaches someone who may not read that record.
 */
export interface RelatedAccess {
  /** The read scope of `entity`: null when none of its records may be read, undefined for all. */
  scope(entity: string): Promise<Document | undefined | null>;
  /** Whether the field may be shown unmasked (a display field). */
  canShow(entity: string, field: string): boolean;
}

/**
 * `query` limited to `scope` (undefined: no limit). Merged into one flat filter when
 * their keys do not meet, so a planner that only looks at top-level fields (SecantusDB,
 * on `_id`) still uses its index; else `$and`.
 */
export function withScope(query: Document, scope: Document | undefined): Document {
  if (!scope) return query;
  return Object.keys(scope).some((key) => key in query) ? { $and: [query, scope] } : { ...query, ...scope };
}
