import { describe, expect, it } from 'vitest';
import { salesBundle } from '../../../test/fixtures/sales-bundle.js';
import { diffBundles } from './diff.js';
import { createFieldTypeRegistry } from '../fields/field-types.js';
import { planMigrations as plan } from './migrations.js';
import type { Bundle } from './bundle-types.js';

const label = { 'zh-CN': '新', en: 'New' };
const planMigrations = (from: Bundle, to: Bundle) => plan(from, to, createFieldTypeRegistry());

describe('diffBundles', () => {
  it('finds nothing between equal bundles, whatever the key order', () => {
    const a = salesBundle();
    const b = JSON.parse(
      JSON.stringify(a, (_k, v: unknown) =>
        v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).reverse()) : v,
      ),
    );
    expect(diffBundles(a, b)).toEqual({ changes: [], summary: { added: 0, removed: 0, changed: 0 } });
  });

  it('reports added, removed and changed items and properties by key', () => {
    const from = salesBundle();
    const to = salesBundle();
    to.entities[1]!.fields[0] = { ...to.entities[1]!.fields[0]!, label };
    to.entities[1]!.fields.push({ key: 'source', type: 'text', label });
    to.entities[0]!.fields = to.entities[0]!.fields.filter((f) => f.key !== 'employees');
    to.views = to.views.filter((v) => v.key !== 'pipeline');
    to.rules.push({ ...to.rules[0]!, key: 'another' });
    const diff = diffBundles(from, to);
    expect(diff.summary).toEqual({ added: 1, removed: 1, changed: 2 });
    const opportunity = diff.changes.find((c) => c.kind === 'entities' && c.key === 'opportunity');
    expect(opportunity?.properties).toEqual([
      { path: '/fields/title/label/zh-CN', change: 'changed', before: '标题', after: '新' },
      { path: '/fields/title/label/en', change: 'changed', before: 'Title', after: 'New' },
      { path: '/fields/source', change: 'added', after: { key: 'source', type: 'text', label } },
    ]);
    const account = diff.changes.find((c) => c.key === 'account');
    expect(account?.properties).toEqual([expect.objectContaining({ path: '/fields/employees', change: 'removed' })]);
    expect(diff.changes).toContainEqual({ kind: 'views', key: 'pipeline', change: 'removed' });
    expect(diff.changes).toContainEqual({ kind: 'rules', key: 'another', change: 'added' });
  });

  it('sees a reordering of fields as one change of order', () => {
    const to = salesBundle();
    to.entities[0]!.fields.reverse();
    const [change] = diffBundles(salesBundle(), to).changes;
    expect(change?.properties).toEqual([expect.objectContaining({ path: '/fields', change: 'changed' })]);
  });
});

describe('planMigrations', () => {
  it('plans nothing for label-only changes', () => {
    const to = salesBundle();
    to.entities[0]!.label = label;
    to.entities[0]!.fields[0]!.label = label;
    expect(planMigrations(salesBundle(), to)).toEqual([]);
  });

  it('plans entity creation with its unique, declared and view indexes', () => {
    const from = salesBundle();
    from.entities = from.entities.filter((e) => e.key === 'account');
    const types = planMigrations(from, salesBundle()).map((m) => m.type);
    expect(types).toEqual(['create_entity', 'create_index', 'create_view_index', 'create_view_index']);
  });

  it('plans conversions, restores, backfills, unsets and unique index changes', () => {
    const to = salesBundle();
    const account = to.entities[0]!;
    account.fields[3] = { key: 'employees', type: 'text', label }; // integer -> text
    account.fields[1] = { key: 'code', type: 'text', label, maxLength: 20 }; // unique dropped
    account.fields.push({ key: 'tier', type: 'single_select', label, default: 'b', options: [{ key: 'b', label }] });
    account.fields.push({ key: 'number', type: 'auto_number', label, prefix: 'A' });
    account.fields = account.fields.filter((f) => f.key !== 'industry');
    const migrations = planMigrations(salesBundle(), to);
    expect(migrations).toEqual([
      { type: 'drop_unique_index', entity: 'account', field: 'code' },
      expect.objectContaining({ type: 'convert_field', entity: 'account', field: 'employees' }),
      { type: 'unset_field', entity: 'account', field: 'industry' },
      // Values a removed "tier" left aside come back before the backfill fills the rest.
      { type: 'restore_field', entity: 'account', field: 'tier' },
      { type: 'backfill_default', entity: 'account', field: 'tier', value: 'b' },
      { type: 'backfill_auto_number', entity: 'account', field: 'number' },
      { type: 'create_unique_index', entity: 'account', field: 'number' },
    ]);
  });

  it('indexes unique text again when its comparison changes or its values are converted', () => {
    const exact = salesBundle();
    (exact.entities[0]!.fields[1] as { uniqueExact?: boolean }).uniqueExact = true;
    expect(planMigrations(salesBundle(), exact)).toEqual([
      { type: 'drop_unique_index', entity: 'account', field: 'code' },
      { type: 'create_unique_index', entity: 'account', field: 'code' },
    ]);
    expect(planMigrations(exact, salesBundle()).at(-1)).toEqual({
      type: 'create_unique_index',
      entity: 'account',
      field: 'code',
      normalized: true,
    });
    const email = salesBundle();
    email.entities[0]!.fields[1] = { key: 'code', type: 'email', label, unique: true };
    expect(planMigrations(salesBundle(), email).map((m) => m.type)).toEqual(['drop_unique_index', 'convert_field', 'create_unique_index']);
  });

  it('converts a select only when an option it held is removed', () => {
    const added = salesBundle();
    const stage = added.entities[1]!.fields[5] as { options: { key: string; label: typeof label }[] };
    stage.options.push({ key: 'paused', label });
    expect(planMigrations(salesBundle(), added)).toEqual([]);
    const removed = salesBundle();
    (removed.entities[1]!.fields[5] as { options: unknown[] }).options.pop();
    expect(planMigrations(salesBundle(), removed).map((m) => m.type)).toEqual(['convert_field']);
  });
});
