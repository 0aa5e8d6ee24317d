import type { Entity, View } from '@metacrm/metadata';
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
import { Link, useDocumentTitle, useLocale, useT } from '@metacrm/ui-kit';
import { useDraftChanges } from '../api/queries';
import { EditorActions, EditorAlerts } from '../common/editor-status';
import { href } from '../common/href';
import { labelOf } from '../common/labels';
import { DraftMarker } from '../common/marker';
import { useUndoKeys } from '../common/use-undo-keys';
import { useDraftEditor } from '../common/use-draft-editor';
import { ColumnList } from './column-list';
import { FieldSource } from './field-source';
import { IndexHint } from './index-hint';
import { QueryPane } from './query-pane';
import { shownFields, withShownFields } from './view-model';
import { ViewPreview } from './view-preview';
import { ViewSettings } from './view-settings';
import { viewMessages } from './views.messages';

/** Pointer first (what is under the cursor), else whatever the dragged item overlaps. */
const collision: CollisionDetection = (args) => {
  const hits = pointerWithin(args);
  return hits.length > 0 ? hits : rectIntersection(args);
};

export interface ViewWorkbenchProps {
  initial: { item: View; rev: number };
  entity: Entity;
  /** The entity is published: sample records can be fetched. */
  published: boolean;
}

/**
 * The view designer's three panes: the entity's fields (drag onto the columns), the view
 * (names, type, columns or board or calendar settings, a live preview) and its query
 * (default filter, sort, the index it gets). Edits go into an undo history
 * (Ctrl+Z / Ctrl+Shift+Z) and are saved to the draft as the admin pauses.
 */
export function ViewWorkbench({ initial, entity, published }: ViewWorkbenchProps) {
  const t = useT(viewMessages);
  const { locale } = useLocale();
  const editor = useDraftEditor<View>('views', initial);
  const view = editor.item;
  const changes = useDraftChanges();
  const [dragging, setDragging] = useState<string>();
  const [announcement, setAnnouncement] = useState('');
  const sensors = useSensors(useSensor(PointerSensor, { activationConstraint: { distance: 4 } }));
  const name = labelOf(view.label, locale, view.key);
  const entityName = labelOf(entity.label, locale, entity.key);
  useDocumentTitle(t('title', { name }));
  useUndoKeys(editor.undo, editor.redo);

  const shown = shownFields(view);
  const setShown = (fields: string[]) => editor.change(withShownFields(view, fields));
  const add = (field: string, at = shown.length) => setShown([...shown.slice(0, at), field, ...shown.slice(at)]);
  const move = (from: number, to: number) => {
    const fields = [...shown];
    const [field] = fields.splice(from, 1);
    if (!field) return;
    fields.splice(to, 0, field);
    setShown(fields);
    setAnnouncement(
      t('columns.moved', {
        label: labelOf(entity.fields.find((f) => f.key === field)?.label, locale, field),
        position: to + 1,
        count: fields.length,
      }),
    );
    requestAnimationFrame(() => document.querySelector<HTMLElement>(`[data-testid="column-${field}"]`)?.focus());
  };
  const onDragEnd = ({ active, over }: DragEndEvent) => {
    setDragging(undefined);
    if (!over) return;
    const target = String(over.id) === 'col:end' ? shown.length : Number(String(over.id).slice('col:'.length));
    const [kind, field] = String(active.id).split(':') as [string, string];
    if (kind === 'source') add(field, target);
    else {
      const from = shown.indexOf(field);
      if (from >= 0 && from !== target) move(from, target > from ? target - 1 : target);
    }
  };
  const takesFields = view.type !== 'calendar';

  return (
    <section className="dz-designer" aria-labelledby="view-title" data-testid="view-designer">
      <header className="dz-workbench__header">
        <div>
          <Link href={href(`/entities/${entity.key}/views`)} className="dz-back">
            ← {t('back', { entity: entityName })}
          </Link>
          <h1 className="mc-page__title" id="view-title">
            {t('title', { name })}
            <DraftMarker change={changes?.marker('views', view.key)} />
          </h1>
        </div>
        <EditorActions editor={editor} />
      </header>
      <EditorAlerts editor={editor} />
      <DndContext
        sensors={sensors}
        collisionDetection={collision}
        onDragStart={(e) => setDragging(String(e.active.id))}
        onDragEnd={onDragEnd}
        onDragCancel={() => setDragging(undefined)}
      >
        <div className="dz-panes">
          {takesFields ? (
            <FieldSource entity={entity} shown={view.type === 'kanban' ? [...shown, view.groupBy] : shown} onAdd={(f) => add(f)} />
          ) : (
            <div aria-hidden="true" />
          )}
          <section className="dz-pane dz-view-main" aria-labelledby="view-settings-title">
            <h2 className="dz-pane__title" id="view-settings-title">
              {t('settings.title')}
            </h2>
            <ViewSettings view={view} entity={entity} onChange={editor.change} />
            {takesFields && (
              <ColumnList
                entity={entity}
                fields={shown}
                title={view.type === 'list' ? t('columns.title', { count: shown.length }) : t('kanban.cardFields')}
                onMove={move}
                onRemove={(f) => setShown(shown.filter((k) => k !== f))}
              />
            )}
            <ViewPreview view={view} entity={entity} published={published} />
          </section>
          <aside className="dz-pane dz-inspector" aria-label={t('filter.title')}>
            <QueryPane view={view} entity={entity} onChange={editor.change} />
            <IndexHint view={view} />
          </aside>
        </div>
        <DragOverlay>
          {dragging ? (
            <div className="dz-drag-ghost">
              {labelOf(entity.fields.find((f) => f.key === dragging.split(':')[1])?.label, locale, dragging)}
            </div>
          ) : null}
        </DragOverlay>
      </DndContext>
      <div className="mc-visually-hidden" aria-live="polite" data-testid="announcer">
        {announcement}
      </div>
    </section>
  );
}
