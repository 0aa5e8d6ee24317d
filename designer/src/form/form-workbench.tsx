import type { Entity, Form } from '@metacrm/metadata';
import {
  DndContext,
  DragOverlay,
  PointerSensor,
  pointerWithin,
  rectIntersection,
  useSensor,
  useSensors,
  type CollisionDetection,
  type DragEndEvent,
} from '@dnd-kit/core';
import { useState } from 'react';
import { useDocumentTitle, useLocale, useT } from '@metacrm/ui-kit';
import { useCurrent } from '../api/queries';
import { labelOf } from '../common/labels';
import { useDraftEditor, type DraftStart } from '../common/use-draft-editor';
import { useUndoKeys } from '../common/use-undo-keys';
import { WorkbenchHeader } from '../entity/workbench-header';
import { formHref } from './entity-forms-link';
import { FormCanvas, type CanvasContext } from './form-canvas';
import {
  addSection,
  addTab,
  locate,
  moveFieldBy,
  placeField,
  removeField,
  unplacedFields,
  updatePlacement,
  type Selection,
  type Slot,
} from './form-model';
import { FormPalette, type LayoutItem } from './form-palette';
import { FormPreviewButton } from './form-preview';
import { FormProperties } from './form-properties';
import { formDesignerMessages } from './form.messages';

const collision: CollisionDetection = (args) => {
  const hits = pointerWithin(args);
  return hits.length > 0 ? hits : rectIntersection(args);
};

/**
 * The three panes of the form layout designer: the palette (layout items and the fields
 * not yet placed), the canvas (the form as the runtime draws it), and the properties of
 * the selection. Edits go into an undo history and are saved to the draft as the admin
 * pauses, with the entity designer's conflict handling.
 */
export function FormWorkbench({ initial, entity }: { initial: DraftStart<Form>; entity: Entity }) {
  const t = useT(formDesignerMessages);
  const { locale } = useLocale();
  const editor = useDraftEditor<Form>('forms', initial);
  const form = editor.item;
  const current = useCurrent();
  const [selection, setSelection] = useState<Selection>({ kind: 'form' });
  const [activeTab, setActiveTab] = useState(0);
  const [dragging, setDragging] = useState<string>();
  const [announcement, setAnnouncement] = useState('');
  const sensors = useSensors(useSensor(PointerSensor, { activationConstraint: { distance: 4 } }));
  const name = labelOf(form.label, locale, form.key);
  const fieldLabel = (key: string) => labelOf(entity.fields.find((f) => f.key === key)?.label, locale, key);
  useDocumentTitle(t('title', { name }));
  useUndoKeys(editor.undo, editor.redo);

  const tabIndex = Math.min(activeTab, form.layout.tabs.length - 1);
  /** Where a pressed palette field goes: after the selected field, into the selected section, else the active tab's last section. */
  const targetSlot = (): Slot => {
    if (selection.kind === 'field') {
      const at = locate(form, selection.field);
      if (at) return { ...at, index: at.index + 1 };
    }
    if (selection.kind === 'section')
      return {
        tab: selection.tab,
        section: selection.section,
        index: form.layout.tabs[selection.tab]?.sections[selection.section]?.fields.length ?? 0,
      };
    const sections = form.layout.tabs[tabIndex]!.sections;
    return { tab: tabIndex, section: sections.length - 1, index: sections.at(-1)!.fields.length };
  };
  const place = (field: string, slot: Slot) => {
    editor.change(placeField(form, field, slot));
    setActiveTab(slot.tab);
    setSelection({ kind: 'field', field });
  };
  const addLayout = (item: LayoutItem, after?: { tab: number; section: number }) => {
    if (item === 'tab') {
      const added = addTab(form, { 'zh-CN': t('new.tab'), en: t('new.tab') }, { 'zh-CN': t('new.section'), en: t('new.section') });
      editor.change(added.form);
      setActiveTab(added.tab);
      setSelection({ kind: 'tab', tab: added.tab });
      return;
    }
    const tab = after?.tab ?? (selection.kind === 'section' ? selection.tab : tabIndex);
    const afterSection = after?.section ?? (selection.kind === 'section' ? selection.section : undefined);
    const options = item === 'section' ? { label: { 'zh-CN': '新分组', en: 'New section' }, columns: 2 } : { columns: 2 };
    const added = addSection(form, tab, options, afterSection);
    editor.change(added.form);
    setSelection({ kind: 'section', tab, section: added.section });
  };
  const onFieldKey: CanvasContext['onFieldKey'] = (field, action) => {
    setSelection({ kind: 'field', field });
    if (action === 'remove') {
      const at = locate(form, field);
      editor.change(removeField(form, field));
      if (at) setSelection({ kind: 'section', tab: at.tab, section: at.section });
      return;
    }
    if (action === 'earlier' || action === 'later') {
      const next = moveFieldBy(form, field, action === 'earlier' ? -1 : 1);
      editor.change(next);
      setActiveTab(locate(next, field)?.tab ?? tabIndex);
      setAnnouncement(t('canvas.moved', { label: fieldLabel(field) }));
    } else {
      const at = locate(form, field)!;
      const columns = form.layout.tabs[at.tab]!.sections[at.section]!.columns ?? 2;
      const span = Math.max(1, Math.min(columns, (at.placement.colSpan ?? 1) + (action === 'wider' ? 1 : -1)));
      editor.change(updatePlacement(form, field, { colSpan: span === 1 ? undefined : span }));
    }
    // The cell may have moved to another section (a new element): keep the focus on it.
    requestAnimationFrame(() => document.querySelector<HTMLElement>(`[data-testid="cell-${field}"]`)?.focus());
  };
  const onDragEnd = ({ active, over }: DragEndEvent) => {
    setDragging(undefined);
    if (!over) return;
    const target = dropSlot(form, String(over.id));
    if (!target) return;
    const [kind, name] = String(active.id).split(':') as [string, string];
    if (kind === 'pl') addLayout(name as LayoutItem, target);
    else if (name !== String(over.id).slice('drop:'.length)) place(name, target);
  };

  const context: CanvasContext = {
    form,
    locale,
    selection,
    activeTab: tabIndex,
    onSelect: setSelection,
    onActiveTab: setActiveTab,
    onFieldKey,
    fieldLabel,
  };
  return (
    <section className="dz-designer" aria-labelledby="form-title" data-testid="form-designer">
      <WorkbenchHeader
        title={t('title', { name })}
        titleId="form-title"
        item={{ kind: 'forms', key: form.key, published: !!current.data?.bundle.forms.some((f) => f.key === form.key) }}
        back={{
          href: formHref(entity.key, form.key).replace(/\/forms\/.*$/, ''),
          label: t('back', { name: labelOf(entity.label, locale, entity.key) }),
        }}
        extra={<FormPreviewButton form={form} entity={entity} />}
        editor={editor}
      />
      <DndContext
        sensors={sensors}
        collisionDetection={collision}
        onDragStart={(e) => setDragging(String(e.active.id))}
        onDragEnd={onDragEnd}
        onDragCancel={() => setDragging(undefined)}
      >
        <div className="dz-panes dz-panes--form">
          <FormPalette
            fields={unplacedFields(entity, form)}
            onAddField={(field) => place(field, targetSlot())}
            onAddLayout={(item) => addLayout(item)}
          />
          <FormCanvas entity={entity} {...context} />
          <FormProperties form={form} entity={entity} selection={selection} onChange={editor.change} onSelect={setSelection} />
        </div>
        <DragOverlay>{dragging ? <div className="dz-drag-ghost">{ghost(dragging, fieldLabel, t)}</div> : null}</DragOverlay>
      </DndContext>
      <div className="mc-visually-hidden" aria-live="polite" data-testid="announcer">
        {announcement}
      </div>
    </section>
  );
}

/** The slot a drop target stands for: `drop:<field>` is before that field, `end:<tab>:<section>` the section's end. */
function dropSlot(form: Form, over: string): Slot | undefined {
  if (over.startsWith('drop:')) return locate(form, over.slice('drop:'.length));
  const [, tab, section] = over.split(':').map(Number) as [number, number, number];
  const fields = form.layout.tabs[tab]?.sections[section]?.fields;
  return fields ? { tab, section, index: fields.length } : undefined;
}

function ghost(
  id: string,
  fieldLabel: (key: string) => string,
  t: (key: 'palette.tab' | 'palette.section' | 'palette.columns') => string,
): string {
  const [kind, name] = id.split(':') as [string, string];
  return kind === 'pl' ? t(`palette.${name}` as 'palette.tab') : fieldLabel(name);
}
