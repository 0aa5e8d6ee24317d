import type { Document } from 'mongodb';
import { combineQueries } from '../query/index.js';

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

/** `query` limited to `scope` (undefined: no limit), flat where their keys allow (combineQueries). */
export function withScope(query: Document, scope: Document | undefined): Document {
  return scope ? combineQueries(query, scope) : query;
}
