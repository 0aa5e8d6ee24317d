import type { Role } from '@metacrm/metadata';
import { describe, expect, it } from 'vitest';
import { toggleOperation, withFieldGrant, withGrant } from './role-model';

const role: Role = { key: 'rep', label: { 'zh-CN': '销售', en: 'Rep' } };

describe('role editing', () => {
  it('grants read with any operation that counts only with it, and takes them away with it', () => {
    const updating = toggleOperation({}, 'update', true);
    expect(updating).toEqual({ update: true, read: true });
    expect(toggleOperation({ ...updating, export: true, create: true }, 'read', false)).toEqual({ create: true });
  });

  it('keeps the role minimal: defaults and empty grants are left out', () => {
    expect(withGrant(role, 'deal', {})).toEqual({ ...role, entities: {} });
    const grant = withFieldGrant({ read: true }, 'note', { read: false, write: true });
    expect(grant).toEqual({ read: true, fields: { note: { read: false } } });
    expect(withFieldGrant(grant, 'note', { read: true, write: true })).toEqual({ read: true });
  });

  it('keeps a write grant only beside a mask, where it means "may set a value seen masked"', () => {
    const mask = { keepStart: 3, keepEnd: 4 };
    expect(withFieldGrant({ read: true }, 'phone', { read: true, write: true, mask })).toEqual({
      read: true,
      fields: { phone: { write: true, mask } },
    });
    expect(withFieldGrant({ read: true }, 'phone', { write: false, mask })).toEqual({ read: true, fields: { phone: { mask } } });
  });
});
