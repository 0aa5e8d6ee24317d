import { describe, expect, it } from 'vitest';
import type { Entity, Role } from '../generated/types.js';
import { createFieldTypeRegistry } from '../fields/field-types.js';
import { createLogicOperationRegistry } from '../logic/operations.js';
import { rolePolicies } from './entity-policy.js';
import { userEntity, userForm } from './user-entity.js';

// The policy rules run on the server (server/src/access) and in the designer's preview;
// the server's tests cover the rules in depth, these pin the package's own entry points.

const l = (en: string) => ({ en, 'zh-CN': en });
const project = {
  key: 'project',
  label: l('Project'),
  fields: [
    { key: 'name', type: 'text', label: l('Name') },
    { key: 'code', type: 'text', label: l('Code') },
    { key: 'phone', type: 'phone', label: l('Phone') },
  ],
} as Entity;
const roles = [
  {
    key: 'sales',
    label: l('Sales'),
    entities: { project: { create: true, read: true, scope: 'all', fields: { code: { read: false }, phone: { mask: { keepEnd: 4 } } } } },
  },
  { key: 'nobody', label: l('Nobody'), entities: {} },
] as unknown as Role[];
const source = { bundle: { roles }, entity: (key: string) => (key === 'project' ? project : undefined) };
const operations = createLogicOperationRegistry();

describe('rolePolicies', () => {
  it("applies a role's field rules: unreadable fields left out, masked ones read-only", () => {
    const policy = rolePolicies(source, ['sales'], operations)('project');
    expect(policy.can('create')).toBe(true);
    expect(policy.can('delete')).toBe(false);
    const entity = userEntity(project, policy, { fieldTypes: createFieldTypeRegistry() });
    expect(entity.fields.map((f) => [f.key, f.access])).toEqual([
      ['name', { read: true, write: true }],
      ['phone', { read: true, write: false, mask: { keepEnd: 4 } }],
    ]);
    const form = userForm(
      {
        key: 'f',
        entity: 'project',
        label: l('F'),
        layout: { tabs: [{ key: 't', label: l('T'), sections: [{ key: 's', fields: [{ field: 'name' }, { field: 'code' }] }] }] },
      },
      (f) => policy.field(f).read,
    );
    expect(form.layout.tabs[0]!.sections[0]!.fields).toEqual([{ field: 'name' }]);
  });

  it('gives everything to the unrestricted and nothing to a role without a grant', () => {
    expect(rolePolicies(source, '*', operations)('project').field('code')).toEqual({ read: true, write: true });
    const none = rolePolicies(source, ['nobody'], operations)('project');
    expect(none.can('read') || none.can('create')).toBe(false);
  });
});
