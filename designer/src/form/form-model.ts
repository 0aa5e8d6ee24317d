import type { Entity, Form } from '@metacrm/metadata';

// Pure edits of a form's layout, each returning a new form (the undo history keeps the old
// one). Tabs and sections are addressed by index, fields by key (a field is placed once).

export type FormTab = Form['layout']['tabs'][number];
export type FormSection = FormTab['sections'][number];
export type Placement = FormSection['fields'][number];
type Text = { 'zh-CN': string; en: string };

/** What the properties pane shows. */
export type Selection =
  { kind: 'form' } | { kind: 'tab'; tab: number } | { kind: 'section'; tab: number; section: number } | { kind: 'field'; field: string };

/** Where a field lands: before `index` in a section (`index` = length: at its end). */
export interface Slot {
  tab: number;
  section: number;
  index: number;
}

/** The grid the runtime lays sections out on (runtime-ui/kit form-layout). */
export const GRID = 24;

/** A placement's width on the 24-column grid: the section's columns share it, a placement spans `colSpan` of them. */
export function spanOf(columns: number | undefined, colSpan: number | undefined): number {
  const cols = Math.max(1, Math.min(4, columns ?? 2));
  return Math.min(GRID, (GRID / cols) * Math.min(cols, colSpan ?? 1));
}

/** A new form for `entity`: one tab with one labelled two-column section, nothing placed yet. */
export function newForm(entity: Entity, key: string, isDefault: boolean): Form {
  return {
    key,
    entity: entity.key,
    label: { 'zh-CN': `${entity.label['zh-CN']}表单`, en: `${entity.label.en} form` },
    ...(isDefault ? { default: true } : {}),
    layout: {
      tabs: [
        {
          key: 'main',
          label: { 'zh-CN': '详情', en: 'Details' },
          sections: [{ key: 'section_1', label: { 'zh-CN': '基本信息', en: 'Basics' }, columns: 2, fields: [] }],
        },
      ],
    },
  };
}

/** Keys of the fields the form places. */
export function placedFields(form: Form): Set<string> {
  return new Set(form.layout.tabs.flatMap((t) => t.sections.flatMap((s) => s.fields.map((p) => p.field))));
}

/** Where a field is placed, or undefined. */
export function locate(form: Form, field: string): (Slot & { placement: Placement }) | undefined {
  for (const [t, tab] of form.layout.tabs.entries()) {
    for (const [s, section] of tab.sections.entries()) {
      const index = section.fields.findIndex((p) => p.field === field);
      if (index >= 0) return { tab: t, section: s, index, placement: section.fields[index]! };
    }
  }
  return undefined;
}

function mapSections(form: Form, fn: (section: FormSection, t: number, s: number) => FormSection): Form {
  const tabs = form.layout.tabs.map((tab, t) => ({ ...tab, sections: tab.sections.map((section, s) => fn(section, t, s)) }));
  return { ...form, layout: { ...form.layout, tabs } };
}

/** Places a field at `slot`, taking it from where it was (if it was placed). */
export function placeField(form: Form, field: string, slot: Slot): Form {
  const from = locate(form, field);
  const placement: Placement = from?.placement ?? { field };
  let index = slot.index;
  if (from && from.tab === slot.tab && from.section === slot.section && from.index < slot.index) index -= 1;
  const without = from ? removeField(form, field) : form;
  return mapSections(without, (section, t, s) => {
    if (t !== slot.tab || s !== slot.section) return section;
    const fields = [...section.fields];
    fields.splice(Math.max(0, Math.min(index, fields.length)), 0, {
      ...placement,
      ...(placement.colSpan && placement.colSpan > (section.columns ?? 2) ? { colSpan: section.columns ?? 2 } : {}),
    });
    return { ...section, fields };
  });
}

/** Takes a field off the form (it goes back to the palette). */
export function removeField(form: Form, field: string): Form {
  return mapSections(form, (section) =>
    section.fields.some((p) => p.field === field) ? { ...section, fields: section.fields.filter((p) => p.field !== field) } : section,
  );
}

/**
 * Moves a field one place earlier (-1) or later (+1) in reading order: within its
 * section, and past the section's edge into the end of the previous section or the
 * start of the next one (across tabs too). Unchanged at the form's first or last place.
 */
export function moveFieldBy(form: Form, field: string, delta: -1 | 1): Form {
  const at = locate(form, field);
  if (!at) return form;
  const length = form.layout.tabs[at.tab]!.sections[at.section]!.fields.length;
  const next = at.index + delta;
  if (next >= 0 && next < length) return placeField(form, field, { ...at, index: delta > 0 ? next + 1 : next });
  const sections = form.layout.tabs.flatMap((tab, t) => tab.sections.map((section, s) => ({ t, s, length: section.fields.length })));
  const here = sections.findIndex((x) => x.t === at.tab && x.s === at.section);
  const target = sections[here + delta];
  if (!target) return form;
  return placeField(form, field, { tab: target.t, section: target.s, index: delta > 0 ? 0 : target.length });
}

/** Changes a placement's settings (width, conditions, help); `undefined` values are removed. */
export function updatePlacement(form: Form, field: string, patch: Partial<Omit<Placement, 'field'>>): Form {
  return mapSections(form, (section) => {
    if (!section.fields.some((p) => p.field === field)) return section;
    return { ...section, fields: section.fields.map((p) => (p.field === field ? withoutUndefined({ ...p, ...patch }) : p)) };
  });
}

/** Changes a section; narrowing its columns narrows placements wider than the new count. */
export function updateSection(form: Form, tab: number, section: number, patch: Partial<Omit<FormSection, 'fields' | 'key'>>): Form {
  return mapSections(form, (current, t, s) => {
    if (t !== tab || s !== section) return current;
    const next = withoutUndefined({ ...current, ...patch });
    const columns = next.columns ?? 2;
    return { ...next, fields: next.fields.map((p) => ((p.colSpan ?? 1) > columns ? { ...p, colSpan: columns } : p)) };
  });
}

export function updateTab(form: Form, tab: number, patch: Partial<Omit<FormTab, 'sections' | 'key'>>): Form {
  const tabs = form.layout.tabs.map((current, t) => (t === tab ? withoutUndefined({ ...current, ...patch }) : current));
  return { ...form, layout: { ...form.layout, tabs } };
}

/** A key not used by any tab or section of the form: `section_3`, `tab_2`. */
export function freshKey(form: Form, prefix: 'tab' | 'section'): string {
  const used = new Set(form.layout.tabs.flatMap((t) => [t.key, ...t.sections.map((s) => s.key)]));
  let n = 1;
  while (used.has(`${prefix}_${n}`)) n++;
  return `${prefix}_${n}`;
}

/**
 * Adds a section to a tab after section `after` (at the end without it). A labelled
 * section is what the palette's "section" makes; an unlabelled one is its "columns":
 * a plain grid with no header.
 */
export function addSection(
  form: Form,
  tab: number,
  options: { label?: Text; columns: number },
  after?: number,
): { form: Form; section: number } {
  const section: FormSection = {
    key: freshKey(form, 'section'),
    ...(options.label ? { label: options.label } : {}),
    columns: options.columns,
    fields: [],
  };
  const sections = [...form.layout.tabs[tab]!.sections];
  const at = after === undefined ? sections.length : after + 1;
  sections.splice(at, 0, section);
  const tabs = form.layout.tabs.map((t, i) => (i === tab ? { ...t, sections } : t));
  return { form: { ...form, layout: { ...form.layout, tabs } }, section: at };
}

/** Adds a tab at the end, with one empty section (a tab holds at least one). */
export function addTab(form: Form, label: Text, sectionLabel: Text): { form: Form; tab: number } {
  const key = freshKey(form, 'tab');
  const withTab = { ...form, layout: { ...form.layout, tabs: [...form.layout.tabs, { key, label, sections: [] }] } };
  const tab = withTab.layout.tabs.length - 1;
  return { form: addSection(withTab, tab, { label: sectionLabel, columns: 2 }).form, tab };
}

/** Removes a section (its fields go back to the palette); a tab's only section stays. */
export function removeSection(form: Form, tab: number, section: number): Form {
  const sections = form.layout.tabs[tab]!.sections;
  if (sections.length <= 1) return form;
  const tabs = form.layout.tabs.map((t, i) => (i === tab ? { ...t, sections: sections.filter((_, s) => s !== section) } : t));
  return { ...form, layout: { ...form.layout, tabs } };
}

/** Removes a tab (its fields go back to the palette); the form's only tab stays. */
export function removeTab(form: Form, tab: number): Form {
  if (form.layout.tabs.length <= 1) return form;
  return { ...form, layout: { ...form.layout, tabs: form.layout.tabs.filter((_, t) => t !== tab) } };
}

/** The entity's fields the form does not place yet, in the entity's order. */
export function unplacedFields(entity: Entity, form: Form): Entity['fields'] {
  const placed = placedFields(form);
  return entity.fields.filter((f) => !placed.has(f.key));
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
