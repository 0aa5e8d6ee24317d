/**
 * The field history of records: one document per change of a record in `record_revisions`
 * (entity, recordId, version, op, at, actor, changes). The record writer adds to it in the
 * change's transaction; metadata migrations that rewrite values add to it too.
 */
export const REVISIONS = 'record_revisions';

/** One field's change, as kept in field history and carried by events. */
export interface FieldChange {
  field: string;
  from: unknown;
  to: unknown;
}
