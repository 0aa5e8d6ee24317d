import type { Entity, Field } from '@metacrm/metadata';
import { useDraggable } from '@dnd-kit/core';
import { useLocale, useT } from '@metacrm/ui-kit';
import { labelOf } from '../common/labels';
import { viewMessages } from './views.messages';

/**
 * The entity's fields not shown yet: drag one onto the columns (or card fields), or press
 * it (Enter, Space, a click) to add it at the end.
 */
export function FieldSource({ entity, shown, onAdd }: { entity: Entity; shown: readonly string[]; onAdd: (field: string) => void }) {
  const t = useT(viewMessages);
  const free = entity.fields.filter((f) => !shown.includes(f.key));
  return (
    <aside className="dz-pane dz-palette" aria-labelledby="view-fields-title" data-testid="view-fields">
      <h2 className="dz-pane__title" id="view-fields-title">
        {t('fields.title')}
      </h2>
      <p className="dz-pane__hint">{t('fields.hint')}</p>
      <div className="dz-palette__items dz-palette__items--one">
        {free.map((field) => (
          <SourceField key={field.key} field={field} onAdd={onAdd} />
        ))}
      </div>
    </aside>
  );
}

function SourceField({ field, onAdd }: { field: Field; onAdd: (field: string) => void }) {
  const t = useT(viewMessages);
  const { locale } = useLocale();
  const { setNodeRef, listeners, isDragging } = useDraggable({ id: `source:${field.key}` });
  const name = labelOf(field.label, locale, field.key);
  return (
    <button
      ref={setNodeRef}
      type="button"
      className={`dz-palette__item${isDragging ? ' dz-palette__item--dragging' : ''}`}
      onClick={() => onAdd(field.key)}
      title={t('fields.add', { field: name })}
      data-testid={`source-${field.key}`}
      {...listeners}
    >
      {name}
    </button>
  );
}
