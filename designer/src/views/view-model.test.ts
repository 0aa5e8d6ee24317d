import { describe, expect, it } from 'vitest';
import type { Entity, View } from '@metacrm/metadata';
import { newView, switchType, withShownFields } from './view-model';

const l = (en: string) => ({ 'zh-CN': en, en });
const project: Entity = {
  key: 'project',
  label: l('Project'),
  displayField: 'name',
  fields: [
    { key: 'name', type: 'text', label: l('Name') },
    { key: 'budget', type: 'currency', label: l('Budget'), currencyCode: 'CNY' },
    { key: 'status', type: 'single_select', label: l('Status'), options: [{ key: 'open', label: l('Open') }] },
    { key: 'due', type: 'date', label: l('Due') },
  ],
};
const plain: Entity = { key: 'note', label: l('Note'), displayField: 'name', fields: [{ key: 'name', type: 'text', label: l('Name') }] };

describe('view model', () => {
  it('makes a new view of each type from the entity', () => {
    expect(newView(project, 'all', l('All'), 'list')).toEqual({
      key: 'all',
      type: 'list',
      entity: 'project',
      label: l('All'),
      columns: [{ field: 'name' }],
    });
    expect(newView(project, 'board', l('Board'), 'kanban')).toMatchObject({ type: 'kanban', groupBy: 'status', cardFields: ['name'] });
    expect(newView(project, 'cal', l('Cal'), 'calendar')).toMatchObject({ type: 'calendar', dateField: 'due', titleField: 'name' });
  });

  it('carries the shared parts and the shown fields across a type switch', () => {
    const list = withShownFields(newView(project, 'v', l('V'), 'list')!, ['name', 'budget', 'status']);
    const withQuery = {
      ...list,
      filter: { field: 'budget', op: 'gt', value: '1' },
      sort: [{ field: 'budget', direction: 'desc' as const }],
      default: true,
    } as View;
    const board = switchType(withQuery, 'kanban', project)!;
    expect(board).toMatchObject({
      type: 'kanban',
      groupBy: 'status',
      cardFields: ['name', 'budget'],
      filter: withQuery.filter,
      sort: withQuery.sort,
      default: true,
    });
    expect(switchType(board, 'list', project)).toMatchObject({ columns: [{ field: 'name' }, { field: 'budget' }] });
  });

  it('refuses a type the entity cannot carry', () => {
    expect(switchType(newView(plain, 'v', l('V'), 'list')!, 'kanban', plain)).toBeUndefined();
    expect(switchType(newView(plain, 'v', l('V'), 'list')!, 'calendar', plain)).toBeUndefined();
  });

  it('keeps column widths and caps card fields at eight', () => {
    const list = { ...newView(project, 'v', l('V'), 'list')!, columns: [{ field: 'name', width: 200 }] } as View;
    expect(withShownFields(list, ['budget', 'name'])).toMatchObject({ columns: [{ field: 'budget' }, { field: 'name', width: 200 }] });
    const board = newView(project, 'b', l('B'), 'kanban')!;
    expect(
      shownCount(
        withShownFields(
          board,
          Array.from({ length: 10 }, (_, i) => `f${i}`),
        ),
      ),
    ).toBe(8);
  });
});

const shownCount = (view: View) => (view.type === 'kanban' ? view.cardFields?.length : 0);
