import type { Entity } from '@metacrm/metadata';
import { useDraggable, useDroppable } from '@dnd-kit/core';
import { Button } from 'antd';
import { ArrowDownOutlined, ArrowUpOutlined, CloseOutlined, HolderOutlined } from '@ant-design/icons';
import type { KeyboardEvent } from 'react';
import { useLocale, useT } from '@metacrm/ui-kit';
import { labelOf } from '../common/labels';
import { viewMessages } from './views.messages';

export interface ColumnListProps {
  entity: Entity;
  /** Field keys in order: a list's columns or a board's card fields. */
  fields: string[];
  title: string;
  onMove: (from: number, to: number) => void;
  onRemove: (field: string) => void;
}

/**
 * The fields a view shows, in order. Each row is a drop target (a field dragged from the
 * source, or another row, lands before it) and draggable by its handle; from the
 * keyboard, Alt+↑ / Alt+↓ move the focused row and Delete removes it.
 */
export function ColumnList({ entity, fields, title, onMove, onRemove }: ColumnListProps) {
  const t = useT(viewMessages);
  const end = useDroppable({ id: 'col:end' });
  return (
    <section className="dz-columns" aria-label={title} data-testid="view-columns">
      <h3 className="dz-pane__subtitle">{title}</h3>
      <p className="dz-pane__hint">{t('columns.hint')}</p>
      <ol className="dz-fields__list">
        {fields.map((field, index) => (
          <ColumnRow key={field} entity={entity} field={field} index={index} last={fields.length - 1} onMove={onMove} onRemove={onRemove} />
        ))}
      </ol>
      <div ref={end.setNodeRef} className={`dz-fields__end${end.isOver ? ' dz-fields__end--over' : ''}`} data-testid="column-drop-end">
        {t('columns.drop')}
      </div>
    </section>
  );
}

function ColumnRow({
  entity,
  field,
  index,
  last,
  onMove,
  onRemove,
}: {
  entity: Entity;
  field: string;
  index: number;
  last: number;
  onMove: ColumnListProps['onMove'];
  onRemove: ColumnListProps['onRemove'];
}) {
  const t = useT(viewMessages);
  const { locale } = useLocale();
  const drop = useDroppable({ id: `col:${index}` });
  const drag = useDraggable({ id: `column:${field}` });
  const name = labelOf(entity.fields.find((f) => f.key === field)?.label, locale, field);
  const onKeyDown = (event: KeyboardEvent<HTMLLIElement>) => {
    if (event.target !== event.currentTarget) return;
    if (event.altKey && event.key === 'ArrowUp' && index > 0) onMove(index, index - 1);
    else if (event.altKey && event.key === 'ArrowDown' && index < last) onMove(index, index + 1);
    else if (event.key === 'Delete') onRemove(field);
    else return;
    event.preventDefault();
  };
  const className = ['dz-field', drop.isOver && 'dz-field--over', drag.isDragging && 'dz-field--dragging'].filter(Boolean).join(' ');
  return (
    <li ref={drop.setNodeRef} className={className} tabIndex={0} aria-label={name} onKeyDown={onKeyDown} data-testid={`column-${field}`}>
      <span ref={drag.setNodeRef} className="dz-field__handle" aria-hidden="true" {...drag.listeners}>
        <HolderOutlined />
      </span>
      <span className="dz-field__main">
        <span className="dz-field__label">{name}</span>
        <code className="dz-field__key">{field}</code>
      </span>
      <span className="dz-field__actions">
        <Button
          size="small"
          type="text"
          icon={<ArrowUpOutlined />}
          aria-label={t('columns.moveUp')}
          disabled={index === 0}
          onClick={() => onMove(index, index - 1)}
          tabIndex={-1}
        />
        <Button
          size="small"
          type="text"
          icon={<ArrowDownOutlined />}
          aria-label={t('columns.moveDown')}
          disabled={index === last}
          onClick={() => onMove(index, index + 1)}
          tabIndex={-1}
        />
        <Button
          size="small"
          type="text"
          icon={<CloseOutlined />}
          aria-label={t('columns.remove', { field: name })}
          onClick={() => onRemove(field)}
          data-testid={`remove-column-${field}`}
        />
      </span>
    </li>
  );
}
