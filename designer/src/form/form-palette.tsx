import type { Entity } from '@metacrm/metadata';
import { useDraggable } from '@dnd-kit/core';
import { useLocale, useT } from '@metacrm/ui-kit';
import { labelOf } from '../common/labels';
import { formDesignerMessages } from './form.messages';

/** The layout items the palette offers: a tab, a section with a heading, and columns (a section without one). */
export type LayoutItem = 'tab' | 'section' | 'columns';
const LAYOUT: LayoutItem[] = ['tab', 'section', 'columns'];

/**
 * The form designer's palette: layout items, then the entity's fields not yet on the
 * form. Drag one onto the canvas, or press it (Enter / Space) to add it to the selection.
 */
export function FormPalette({
  fields,
  onAddField,
  onAddLayout,
}: {
  fields: Entity['fields'];
  onAddField: (field: string) => void;
  onAddLayout: (item: LayoutItem) => void;
}) {
  const t = useT(formDesignerMessages);
  const { locale } = useLocale();
  return (
    <aside className="dz-pane dz-palette" aria-labelledby="palette-title" data-testid="form-palette">
      <h2 className="dz-pane__title" id="palette-title">
        {t('palette.title')}
      </h2>
      <p className="dz-pane__hint">{t('palette.hint')}</p>
      <section className="dz-palette__group" aria-labelledby="palette-layout">
        <h3 className="dz-palette__group-title" id="palette-layout">
          {t('palette.layout')}
        </h3>
        <div className="dz-palette__items">
          {LAYOUT.map((item) => (
            <PaletteButton
              key={item}
              id={`pl:${item}`}
              text={t(`palette.${item}`)}
              title={t('palette.addLayout', { item: t(`palette.${item}`) })}
              testId={`palette-${item}`}
              onPress={() => onAddLayout(item)}
            />
          ))}
        </div>
      </section>
      <section className="dz-palette__group" aria-labelledby="palette-fields">
        <h3 className="dz-palette__group-title" id="palette-fields">
          {t('palette.fields')}
        </h3>
        {fields.length === 0 && <p className="dz-pane__hint">{t('palette.allPlaced')}</p>}
        <div className="dz-palette__items dz-palette__items--wide">
          {fields.map((field) => {
            const text = labelOf(field.label, locale, field.key);
            return (
              <PaletteButton
                key={field.key}
                id={`pf:${field.key}`}
                text={text}
                title={t('palette.addField', { label: text })}
                testId={`palette-field-${field.key}`}
                onPress={() => onAddField(field.key)}
              />
            );
          })}
        </div>
      </section>
    </aside>
  );
}

function PaletteButton({
  id,
  text,
  title,
  testId,
  onPress,
}: {
  id: string;
  text: string;
  title: string;
  testId: string;
  onPress: () => void;
}) {
  const { setNodeRef, listeners, isDragging } = useDraggable({ id });
  return (
    <button
      ref={setNodeRef}
      type="button"
      className={`dz-palette__item${isDragging ? ' dz-palette__item--dragging' : ''}`}
      onClick={onPress}
      title={title}
      data-testid={testId}
      {...listeners}
    >
      {text}
    </button>
  );
}
