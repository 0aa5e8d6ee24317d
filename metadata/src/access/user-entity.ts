import type { BundleRegistries } from '../bundle/bundle-types.js';
import { fieldTraits } from '../fields/field-types.js';
import type { Entity, Form } from '../generated/types.js';
import type { EntityOperation, EntityPolicy } from './entity-policy.js';
import type { UserEntity } from './user-metadata.js';

// The per-user shapes of an entity and a form, shared by the server's
// `GET /api/me/metadata` and the designer's preview as a role.

/**
 * An entity as the holder of `policy` sees it: only the fields they may read, each with
 * its write and mask flags, and the entity's rights (what `GET /api/me/metadata` answers).
 */
export function userEntity(entity: Entity, policy: EntityPolicy, registries: Pick<BundleRegistries, 'fieldTypes'>): UserEntity {
  const fields = entity.fields.flatMap((f) => {
    const access = policy.field(f.key);
    if (!access.read) return [];
    // A field the platform fills in (formula, roll-up, auto-number) is written by nobody.
    const computed = fieldTraits(f, registries.fieldTypes)?.computed === true;
    const write = access.write && !computed && (policy.can('create') || policy.can('update'));
    return [{ ...f, access: { read: true as const, write, ...(access.mask ? { mask: access.mask } : {}) } }];
  });
  const can = (op: EntityOperation) => policy.can(op);
  // The same tests as RecordAccess.mayChangeOwner and RecordService.shareable, less the per-record ones.
  const changeOwner = policy.unrestricted || (can('changeOwner') && can('update'));
  const rights = {
    create: can('create'),
    read: can('read'),
    update: can('update'),
    delete: can('delete'),
    export: can('export'),
    changeOwner,
    shareAny: policy.unrestricted,
  };
  return { ...entity, fields, rights };
}

/** A form without the fields the reader may not read (their places are dropped). */
export function userForm(form: Form, readable: (field: string) => boolean): Form {
  const tabs = form.layout.tabs.map((tab) => ({
    ...tab,
    sections: tab.sections.map((section) => ({ ...section, fields: section.fields.filter((p) => readable(p.field)) })),
  }));
  return { ...form, layout: { ...form.layout, tabs } };
}
