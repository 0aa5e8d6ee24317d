import type { Entity, Field } from '@metacrm/metadata';
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
  type DragStartEvent,
} from '@dnd-kit/core';
import { useMemo, useState } from 'react';
import { Link, useDocumentTitle, useLocale, useT } from '@metacrm/ui-kit';
import { useCurrent, useDraft } from '../api/queries';
import { href } from '../common/href';
import { labelOf } from '../common/labels';
import { useUndoKeys } from '../common/use-undo-keys';
import { DeleteFieldDialog } from './delete-field-dialog';
import { entityMessages } from './entity.messages';
import { EntitySettings } from './entity-settings';
import { EntityFormsLink } from '../form/entity-forms-link';
import { FieldList } from './field-list';
import { FieldPalette } from './field-palette';
import { FieldSettings } from './field-settings';
import { newField } from './new-field';
import { useEntityEditor } from './use-entity-editor';
import { WorkbenchHeader } from './workbench-header';

/** Pointer first (what is under the cursor), else whatever the dragged item overlaps. */
const collision: CollisionDetection = (args) => {
  const hits = pointerWithin(args);
  return hits.length > 0 ? hits : rectIntersection(args);
};

/**
 * The three panes of the entity designer: the palette of field types, the entity's
 * fields, and the settings of the selection. Edits go into an undo history
 * (Ctrl+Z / Ctrl+Shift+Z) and are saved to the draft as the admin pauses.
 */
export function EntityWorkbench({ initial }: { initial: { item: Entity; rev: number } }) {
  const t = useT(entityMessages);
  const { locale } = useLocale();
  const editor = useEntityEditor(initial);
  const { entity } = editor;
  const draft = useDraft();
  const current = useCurrent();
  const [selected, setSelected] = useState<string>();
  const [deleting, setDeleting] = useState<string>();
  const [dragging, setDragging] = useState<string>();
  const [announcement, setAnnouncement] = useState('');
  const [typedKeys, setTypedKeys] = useState<ReadonlySet<string>>(new Set());
  const sensors = useSensors(useSensor(PointerSensor, { activationConstraint: { distance: 4 } }));
  useDocumentTitle(t('title', { name: labelOf(entity.label, locale, entity.key) }));

  const published = current.data?.bundle.entities.find((e) => e.key === entity.key);
  const bundle = useMemo(() => {
    const base = draft.data?.bundle ?? { entities: [], forms: [], views: [], rules: [], workflows: [], roles: [] };
    return { ...base, entities: [...base.entities.filter((e) => e.key !== entity.key), entity] };
  }, [draft.data, entity]);
  const problemFields = useMemo(
    () => new Set(editor.problems.map((p) => /^\/fields\/([^/]+)/.exec(p.pointer)?.[1]).filter((k): k is string => !!k)),
    [editor.problems],
  );

  useUndoKeys(editor.undo, editor.redo);

  const setFields = (fields: Field[], group?: string) => editor.change({ ...entity, fields }, group);
  const add = (type: string, at = entity.fields.length) => {
    const field = newField(type, entity, bundle);
    setFields([...entity.fields.slice(0, at), field, ...entity.fields.slice(at)]);
    setSelected(field.key);
  };
  const move = (from: number, to: number) => {
    const fields = [...entity.fields];
    const [field] = fields.splice(from, 1);
    if (!field) return;
    fields.splice(to, 0, field);
    setFields(fields);
    setAnnouncement(t('fields.moved', { label: labelOf(field.label, locale, field.key), position: to + 1, count: fields.length }));
    // Keep focus on the moved row so that Alt+↑ can be pressed again.
    requestAnimationFrame(() => document.querySelector<HTMLElement>(`[data-testid="field-${field.key}"]`)?.focus());
  };
  const updateField = (key: string, next: Field, group: string, options?: { keyTyped?: boolean }) => {
    setFields(
      entity.fields.map((f) => (f.key === key ? next : f)),
      group,
    );
    if (next.key !== key) setSelected(next.key);
    if (options?.keyTyped) setTypedKeys((s) => new Set([...s, next.key]));
  };

  const onDragStart = (event: DragStartEvent) => setDragging(String(event.active.id));
  const onDragEnd = ({ active, over }: DragEndEvent) => {
    setDragging(undefined);
    if (!over) return;
    const target = String(over.id) === 'slot:end' ? entity.fields.length : Number(String(over.id).slice('slot:'.length));
    const [kind, name] = String(active.id).split(':') as [string, string];
    if (kind === 'palette') add(name, target);
    else {
      const from = entity.fields.findIndex((f) => f.key === name);
      if (from >= 0 && from !== target) move(from, target > from ? target - 1 : target);
    }
  };

  const field = entity.fields.find((f) => f.key === selected);
  const deletingField = entity.fields.find((f) => f.key === deleting);
  return (
    <section className="dz-designer" aria-labelledby="entity-title" data-testid="entity-designer">
      <WorkbenchHeader
        title={t('title', { name: labelOf(entity.label, locale, entity.key) })}
        titleId="entity-title"
        item={{ kind: 'entities', key: entity.key, published: !!published }}
        extra={
          <>
            <EntityFormsLink entity={entity.key} />
            <Link href={href(`/entities/${entity.key}/views`)} className="dz-views-link" data-testid="entity-views">
              {t('views')}
            </Link>
          </>
        }
        editor={editor}
      />
      <DndContext
        sensors={sensors}
        collisionDetection={collision}
        onDragStart={onDragStart}
        onDragEnd={onDragEnd}
        onDragCancel={() => setDragging(undefined)}
      >
        <div className="dz-panes">
          <FieldPalette onAdd={(type) => add(type)} />
          <FieldList
            entity={entity}
            published={published}
            selected={selected}
            problems={problemFields}
            onSelect={setSelected}
            onMove={move}
            onDelete={setDeleting}
          />
          <aside className="dz-pane dz-inspector" aria-labelledby="inspector-title">
            <h2 className="dz-pane__title" id="inspector-title">
              {field ? t('settings.field') : t('settings.entity')}
            </h2>
            {field ? (
              <FieldSettings
                field={field}
                entity={entity}
                bundle={bundle}
                published={!!published?.fields.some((f) => f.key === field.key)}
                keyTyped={typedKeys.has(field.key)}
                onChange={(next, group, options) => updateField(field.key, next, group, options)}
              />
            ) : (
              <EntitySettings entity={entity} published={!!published} onChange={(next, group) => editor.change(next, group)} />
            )}
          </aside>
        </div>
        <DragOverlay>{dragging ? <div className="dz-drag-ghost">{ghostLabel(dragging, entity, locale)}</div> : null}</DragOverlay>
      </DndContext>
      <div className="mc-visually-hidden" aria-live="polite" data-testid="announcer">
        {announcement}
      </div>
      {deletingField && (
        <DeleteFieldDialog
          entity={entity}
          field={deletingField}
          saved={!!draft.data?.bundle.entities.find((e) => e.key === entity.key)?.fields.some((f) => f.key === deletingField.key)}
          onClose={() => setDeleting(undefined)}
          onConfirm={() => {
            setFields(entity.fields.filter((f) => f.key !== deletingField.key));
            if (selected === deletingField.key) setSelected(undefined);
            setDeleting(undefined);
          }}
        />
      )}
    </section>
  );
}

function ghostLabel(id: string, entity: Entity, locale: 'en' | 'zh-CN'): string {
  const [kind, name] = id.split(':') as [string, string];
  if (kind === 'palette') return name;
  return labelOf(entity.fields.find((f) => f.key === name)?.label, locale, name);
}
