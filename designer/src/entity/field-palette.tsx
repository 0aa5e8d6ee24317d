import { fieldTypePalette, type FieldTypeGroup, type FieldTypePaletteEntry } from '@metacrm/metadata';
import { useDraggable } from '@dnd-kit/core';
import { useLocale, useT } from '@metacrm/ui-kit';
import { entityMessages } from './entity.messages';

const GROUPS: FieldTypeGroup[] = ['text', 'number', 'choice', 'date', 'relation', 'computed', 'file', 'other'];
/** Built-in and plugin types, with their labels and groups. */
const PALETTE = fieldTypePalette();
/** The groups that hold a type: "other" shows only when a plugin adds one there. */
const SHOWN_GROUPS = GROUPS.filter((group) => PALETTE.some((p) => p.group === group));

/** The palette of field types, grouped: drag one onto the field list, or press it to add a field at the end. */
export function FieldPalette({ onAdd }: { onAdd: (type: string) => void }) {
  const t = useT(entityMessages);
  return (
    <aside className="dz-pane dz-palette" aria-labelledby="palette-title" data-testid="field-palette">
      <h2 className="dz-pane__title" id="palette-title">
        {t('palette.title')}
      </h2>
      <p className="dz-pane__hint">{t('palette.hint')}</p>
      {SHOWN_GROUPS.map((group) => (
        <section key={group} className="dz-palette__group" aria-labelledby={`palette-${group}`}>
          <h3 className="dz-palette__group-title" id={`palette-${group}`}>
            {t(`group.${group}`)}
          </h3>
          <div className="dz-palette__items">
            {PALETTE.filter((p) => p.group === group).map((entry) => (
              <PaletteItem key={entry.type} entry={entry} onAdd={onAdd} />
            ))}
          </div>
        </section>
      ))}
    </aside>
  );
}

function PaletteItem({ entry, onAdd }: { entry: FieldTypePaletteEntry; onAdd: (type: string) => void }) {
  const t = useT(entityMessages);
  const { locale } = useLocale();
  const { setNodeRef, listeners, isDragging } = useDraggable({ id: `palette:${entry.type}`, data: { type: entry.type } });
  const name = entry.label[locale];
  // A button, not dnd-kit's keyboard attributes: Enter or Space adds the field, which is
  // the keyboard's way to do what dragging does.
  return (
    <button
      ref={setNodeRef}
      type="button"
      className={`dz-palette__item${isDragging ? ' dz-palette__item--dragging' : ''}`}
      onClick={() => onAdd(entry.type)}
      title={t('palette.add', { type: name })}
      data-testid={`palette-${entry.type}`}
      {...listeners}
    >
      {name}
    </button>
  );
}
