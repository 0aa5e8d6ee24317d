import { deepEqual, fieldTypePalette, type Entity, type Field } from '@metacrm/metadata';
import { useDraggable, useDroppable } from '@dnd-kit/core';
import { Button, Tag, Tooltip } from 'antd';
import { ArrowDownOutlined, ArrowUpOutlined, DeleteOutlined, HolderOutlined, WarningOutlined } from '@ant-design/icons';
import type { KeyboardEvent } from 'react';
import { useLocale, useT } from '@metacrm/ui-kit';
import { labelOf } from '../common/labels';
import { DraftMarker } from '../common/marker';
import { entityMessages } from './entity.messages';

export interface FieldListProps {
  entity: Entity;
  /** The entity as last published, for the draft markers; undefined when never published. */
  published: Entity | undefined;
  selected: string | undefined;
  /** Field keys with a problem from the last save. */
  problems: ReadonlySet<string>;
  onSelect: (key: string | undefined) => void;
  onMove: (from: number, to: number) => void;
  onDelete: (key: string) => void;
}

/**
 * The entity's fields in order. Each row is a drop target (a palette type or another
 * row dropped on it lands before it) and, by its handle, draggable; from the keyboard,
 * Alt+↑ / Alt+↓ move the focused field and Delete deletes it.
 */
export function FieldList(props: FieldListProps) {
  const t = useT(entityMessages);
  const { entity } = props;
  const end = useDroppable({ id: 'slot:end' });
  return (
    <section className="dz-pane dz-fields" aria-labelledby="fields-title" data-testid="field-list">
      <h2 className="dz-pane__title" id="fields-title">
        {t('fields.title')} ({entity.fields.length})
      </h2>
      <p className="dz-pane__hint">{t('fields.hint')}</p>
      <ol className="dz-fields__list">
        {entity.fields.map((field, index) => (
          <FieldRow key={field.key} field={field} index={index} {...props} />
        ))}
      </ol>
      <div ref={end.setNodeRef} className={`dz-fields__end${end.isOver ? ' dz-fields__end--over' : ''}`} data-testid="field-drop-end">
        {t('fields.dropHere')}
      </div>
    </section>
  );
}

function FieldRow({
  field,
  index,
  entity,
  published,
  selected,
  problems,
  onSelect,
  onMove,
  onDelete,
}: FieldListProps & { field: Field; index: number }) {
  const t = useT(entityMessages);
  const { locale } = useLocale();
  const drop = useDroppable({ id: `slot:${index}` });
  const drag = useDraggable({ id: `field:${field.key}`, data: { index } });
  const before = published?.fields.find((f) => f.key === field.key);
  const marker = !published ? undefined : !before ? 'added' : deepEqual(before, field) ? undefined : 'changed';
  const last = entity.fields.length - 1;
  const typeName = labelOf(fieldTypePalette().find((p) => p.type === field.type)?.label, locale, field.type);
  const onKeyDown = (event: KeyboardEvent<HTMLLIElement>) => {
    if (event.target !== event.currentTarget) return;
    if (event.altKey && event.key === 'ArrowUp' && index > 0) onMove(index, index - 1);
    else if (event.altKey && event.key === 'ArrowDown' && index < last) onMove(index, index + 1);
    else if (event.key === 'Delete') onDelete(field.key);
    else if (event.key === 'Enter' || event.key === ' ') onSelect(field.key);
    else return;
    event.preventDefault();
  };
  const className = [
    'dz-field',
    selected === field.key && 'dz-field--selected',
    drop.isOver && 'dz-field--over',
    drag.isDragging && 'dz-field--dragging',
  ]
    .filter(Boolean)
    .join(' ');
  return (
    <li
      ref={drop.setNodeRef}
      className={className}
      tabIndex={0}
      aria-current={selected === field.key ? 'true' : undefined}
      aria-label={`${labelOf(field.label, locale, field.key)}, ${typeName}`}
      onClick={() => onSelect(field.key)}
      onKeyDown={onKeyDown}
      data-testid={`field-${field.key}`}
      data-field-row
    >
      <span ref={drag.setNodeRef} className="dz-field__handle" aria-hidden="true" {...drag.listeners}>
        <HolderOutlined />
      </span>
      <span className="dz-field__main">
        <span className="dz-field__label">
          {labelOf(field.label, locale, field.key)}
          {field.required && (
            <span className="dz-field__required" title={t('fields.required')}>
              {' '}
              *
            </span>
          )}
          <DraftMarker change={marker} />
          {problems.has(field.key) && (
            <Tooltip title={t('fields.problem')}>
              <WarningOutlined className="dz-field__problem" aria-label={t('fields.problem')} />
            </Tooltip>
          )}
        </span>
        <code className="dz-field__key">{field.key}</code>
      </span>
      <Tag className="dz-field__type">{typeName}</Tag>
      {entity.displayField === field.key && <Tag className="dz-tag-strong">{t('fields.display')}</Tag>}
      <span className="dz-field__actions">
        <Button
          size="small"
          type="text"
          icon={<ArrowUpOutlined />}
          aria-label={t('fields.moveUp')}
          disabled={index === 0}
          onClick={(e) => {
            e.stopPropagation();
            onMove(index, index - 1);
          }}
          tabIndex={-1}
        />
        <Button
          size="small"
          type="text"
          icon={<ArrowDownOutlined />}
          aria-label={t('fields.moveDown')}
          disabled={index === last}
          onClick={(e) => {
            e.stopPropagation();
            onMove(index, index + 1);
          }}
          tabIndex={-1}
        />
        <Button
          size="small"
          type="text"
          danger
          icon={<DeleteOutlined />}
          aria-label={t('fields.delete')}
          onClick={(e) => {
            e.stopPropagation();
            onDelete(field.key);
          }}
          data-testid={`delete-${field.key}`}
        />
      </span>
    </li>
  );
}
