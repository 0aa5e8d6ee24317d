import type { ItemKind } from '../schema/meta-schemas.js';

/**
 * The answer of `GET /api/meta/impact`, declared once for the server that computes it
 * and the designer that shows it before a field is deleted.
 */

/** One metadata item that names the field, and where. */
export interface FieldReference {
  kind: ItemKind;
  key: string;
  /** Key-named JSON pointer into the draft bundle (`/forms/deal_main/layout/...`). */
  pointer: string;
  code: string;
  message: string;
}

/** What deleting a field would touch: the stored values and the draft items that name it. */
export interface FieldImpact {
  entity: string;
  field: string;
  /** Live and recycled records holding a value for it (kept aside on publish, restorable). */
  records: number;
  /** Items, per kind, that would stop validating once the field is gone. */
  references: Record<ItemKind, FieldReference[]>;
}
