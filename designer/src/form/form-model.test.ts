import type { Entity, Form } from '@metacrm/metadata';
import { describe, expect, it } from 'vitest';
import {
  addSection,
  addTab,
  moveFieldBy,
  newForm,
  placeField,
  placedFields,
  removeField,
  removeSection,
  spanOf,
  unplacedFields,
  updatePlacement,
  updateSection,
} from './form-model';

const entity = {
  key: 'project',
  label: { 'zh-CN': '项目', en: 'Project' },
  fields: ['name', 'budget', 'stage', 'notes'].map((key) => ({ key, type: 'text', label: { 'zh-CN': key, en: key } })),
} as unknown as Entity;

const order = (form: Form) =>
  form.layout.tabs.map((t) => t.sections.map((s) => s.fields.map((p) => p.field).join(',')).join('|')).join(' / ');

function laidOut(): Form {
  let form = newForm(entity, 'project_form', true);
  form = placeField(form, 'name', { tab: 0, section: 0, index: 0 });
  form = placeField(form, 'budget', { tab: 0, section: 0, index: 1 });
  form = addSection(form, 0, { columns: 1 }).form;
  return placeField(form, 'stage', { tab: 0, section: 1, index: 0 });
}

describe('form model', () => {
  it('places, moves within a section and across sections, and removes fields', () => {
    let form = laidOut();
    expect(order(form)).toBe('name,budget|stage');
    expect([...placedFields(form)]).toEqual(['name', 'budget', 'stage']);
    expect(unplacedFields(entity, form).map((f) => f.key)).toEqual(['notes']);
    form = placeField(form, 'name', { tab: 0, section: 0, index: 2 });
    expect(order(form)).toBe('budget,name|stage');
    form = moveFieldBy(form, 'name', 1);
    expect(order(form)).toBe('budget|name,stage');
    form = moveFieldBy(form, 'name', -1);
    expect(order(form)).toBe('budget,name|stage');
    form = moveFieldBy(form, 'budget', -1);
    expect(order(form)).toBe('budget,name|stage');
    form = removeField(form, 'budget');
    expect(order(form)).toBe('name|stage');
  });

  it('keeps widths within the section and maps them onto the 24-column grid', () => {
    let form = updatePlacement(laidOut(), 'name', { colSpan: 2 });
    expect(spanOf(2, 2)).toBe(24);
    expect(spanOf(3, 1)).toBe(8);
    expect(spanOf(undefined, undefined)).toBe(12);
    form = placeField(form, 'name', { tab: 0, section: 1, index: 0 });
    expect(form.layout.tabs[0]!.sections[1]!.fields[0]).toEqual({ field: 'name', colSpan: 1 });
    form = updateSection(updatePlacement(form, 'budget', { colSpan: 2 }), 0, 0, { columns: 1 });
    expect(form.layout.tabs[0]!.sections[0]!.fields[0]).toEqual({ field: 'budget', colSpan: 1 });
    expect(updatePlacement(form, 'budget', { colSpan: undefined }).layout.tabs[0]!.sections[0]!.fields[0]).toEqual({ field: 'budget' });
  });

  it("adds tabs and sections with fresh keys and keeps a tab's only section", () => {
    const label = { 'zh-CN': '更多', en: 'More' };
    const { form, tab } = addTab(laidOut(), label, label);
    expect(tab).toBe(1);
    expect(form.layout.tabs[1]).toMatchObject({ key: 'tab_1', label, sections: [{ key: 'section_3', fields: [] }] });
    expect(removeSection(form, 1, 0)).toBe(form);
    expect(order(removeSection(form, 0, 0))).toBe('stage / ');
  });
});
