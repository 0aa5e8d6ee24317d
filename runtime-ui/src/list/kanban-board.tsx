import {
  DndContext,
  PointerSensor,
  KeyboardSensor,
  useDraggable,
  useDroppable,
  useSensor,
  useSensors,
  type DragEndEvent,
} from '@dnd-kit/core';
import { fieldTraits, type ViewKanban, type UserEntity } from '@metacrm/metadata';
import { useQueryClient } from '@tanstack/react-query';
import { App, Card, Empty } from 'antd';
import { useEffect, useState, type ReactNode } from 'react';
import { problemText, toApiError, useLocale, useT, type ApiRecord, fieldUi, label, fieldTypes, UserName } from '@metacrm/ui-kit';
import { useSaveRecord } from '../record/use-record';
import { columnOf, useKanbanColumns, useKanbanTotals, type KanbanColumn } from './kanban-columns';
import { listMessages } from './list.messages';

export interface KanbanBoardProps {
  entity: UserEntity;
  view: ViewKanban;
  records: ApiRecord[];
  /** The list's filter (the view's and the user's) and search, which the column totals count under. */
  filter: unknown;
  q: string;
  onOpen: (id: string) => void;
}

/**
 * A board grouped by the view's select field (a column per option) or user field (a
 * column per user on the board, by name, and "unassigned"), each with its count and the
 * sum of the first numeric card field over the whole view (the aggregate API). Dragging
 * a card (mouse, touch or keyboard) saves the new value through the record pipeline; the
 * card moves at once and springs back with the server's error when the write is refused.
 */
export function KanbanBoard({ entity, view, records, filter, q, onOpen }: KanbanBoardProps) {
  const t = useT(listMessages);
  const { locale } = useLocale();
  const { message } = App.useApp();
  const client = useQueryClient();
  const save = useSaveRecord(entity.key);
  const [moved, setMoved] = useState<Record<string, string>>({});
  // A moved card stays where it was dropped until the refetched list agrees (no flicker back).
  useEffect(() => {
    setMoved((m) => {
      const next = Object.fromEntries(
        Object.entries(m).filter(([id, to]) => columnOf(records.find((r) => r.id === id)?.[view.groupBy]) !== to),
      );
      return Object.keys(next).length === Object.keys(m).length ? m : next;
    });
  }, [records, view.groupBy]);
  const sensors = useSensors(useSensor(PointerSensor, { activationConstraint: { distance: 5 } }), useSensor(KeyboardSensor));
  const group = entity.fields.find((f) => f.key === view.groupBy);
  const cardFields = (view.cardFields ?? []).flatMap((key) => entity.fields.filter((f) => f.key === key));
  const sumField = cardFields.find((f) => fieldTraits(f as never, fieldTypes)?.numeric === true);
  const totals = useKanbanTotals(entity.key, view.groupBy, sumField?.key, filter, q);
  const columns = useKanbanColumns(group ?? ({ key: view.groupBy, type: 'single_select' } as never), records, totals);
  if (!group) return <Empty />;
  const valueOf = (r: ApiRecord) => moved[r.id] ?? columnOf(r[group.key]);
  const canMove = entity.rights.update && group.access.write;
  /** Cards moved here but not yet counted by the totals, less those moved away. */
  const delta = (key: string) =>
    Object.entries(moved).reduce(
      (n, [id, to]) => n + (to === key ? 1 : 0) - (columnOf(records.find((r) => r.id === id)?.[group.key]) === key ? 1 : 0),
      0,
    );

  const onDragEnd = async ({ active, over }: DragEndEvent) => {
    const record = records.find((r) => r.id === active.id);
    const to = columns.find((c) => c.key === over?.id);
    if (!record || !to || valueOf(record) === to.key) return;
    setMoved((m) => ({ ...m, [record.id]: to.key }));
    try {
      await save(record.id, { [group.key]: to.value }, record._version);
      void client.invalidateQueries({ queryKey: ['aggregate', entity.key, 'kanban'] });
    } catch (err) {
      const error = toApiError(err);
      void message.error({ content: `${error.code}: ${problemText(error, locale, { first: true })}`, key: 'kanban-refused' });
      setMoved((m) => {
        const { [record.id]: _refused, ...rest } = m;
        return rest;
      });
    }
  };

  const titleOf = (column: KanbanColumn) =>
    column.option ? label(column.option.label as never, locale, column.key) : column.user ? (column.name ?? column.user) : t('unassigned');
  return (
    <DndContext sensors={sensors} onDragEnd={(e) => void onDragEnd(e)}>
      <div className="mc-kanban" data-testid="kanban">
        {columns.map((column) => {
          const cards = records.filter((r) => valueOf(r) === column.key);
          const total = totals?.get(column.key);
          const sum = sumField ? (totals ? (total?.sum ?? null) : fieldUi(sumField).sum?.(cards.map((r) => r[sumField.key]))) : undefined;
          const SumCell = sumField ? fieldUi(sumField).Cell : undefined;
          return (
            <Column
              key={column.key}
              id={column.key}
              label={titleOf(column)}
              title={column.user ? <UserName id={column.user} /> : titleOf(column)}
              count={totals ? (total?.count ?? 0) + delta(column.key) : cards.length}
              color={column.option?.color}
              dot={column.option !== undefined}
            >
              {sum !== undefined && sum !== null && SumCell && sumField && (
                <div className="mc-kanban__sum">
                  <SumCell field={sumField} value={sum} record={{ id: '', _version: 0 }} locale={locale} />
                </div>
              )}
              {cards.map((r) => (
                <KanbanCard key={r.id} id={r.id} disabled={!canMove} onOpen={() => onOpen(r.id)}>
                  <strong>{String(r[entity.displayField] ?? r.id)}</strong>
                  {cardFields.map((f) => {
                    const { Cell } = fieldUi(f);
                    return (
                      <div key={f.key} className="mc-kanban__field">
                        <Cell field={f} value={r[f.key]} record={r} locale={locale} />
                      </div>
                    );
                  })}
                </KanbanCard>
              ))}
              {cards.length === 0 && <p className="mc-muted">{t('empty')}</p>}
            </Column>
          );
        })}
      </div>
    </DndContext>
  );
}

function Column({
  id,
  label: name,
  title,
  count,
  color,
  dot,
  children,
}: {
  id: string;
  label: string;
  title: ReactNode;
  count: number;
  color?: string | undefined;
  dot: boolean;
  children: ReactNode;
}) {
  const { setNodeRef, isOver } = useDroppable({ id });
  return (
    <section
      ref={setNodeRef}
      className={`mc-kanban__column${isOver ? ' mc-kanban__column--over' : ''}`}
      aria-label={name}
      data-testid={`kanban-column-${id}`}
    >
      <header className="mc-kanban__header">
        {dot && <span className="mc-option-tag__dot" style={color ? { background: color } : undefined} aria-hidden="true" />}
        <h2>{title}</h2>
        <span className="mc-kanban__count" data-testid="kanban-count">
          {count}
        </span>
      </header>
      {children}
    </section>
  );
}

function KanbanCard({ id, disabled, onOpen, children }: { id: string; disabled: boolean; onOpen: () => void; children: ReactNode }) {
  const { attributes, listeners, setNodeRef, transform, isDragging } = useDraggable({ id, disabled });
  const style = transform ? { transform: `translate3d(${transform.x}px, ${transform.y}px, 0)` } : undefined;
  return (
    <Card
      ref={setNodeRef}
      size="small"
      className={`mc-kanban__card${isDragging ? ' mc-kanban__card--dragging' : ''}`}
      style={style}
      {...attributes}
      {...listeners}
      onDoubleClick={onOpen}
      onKeyDown={(e) => {
        if (e.key === 'Enter' && !isDragging) onOpen();
        listeners?.onKeyDown?.(e);
      }}
      data-testid="kanban-card"
    >
      {children}
    </Card>
  );
}
