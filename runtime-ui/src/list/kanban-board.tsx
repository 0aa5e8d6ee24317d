import { DndContext, PointerSensor, KeyboardSensor, useDraggable, useDroppable, useSensor, useSensors, type DragEndEvent } from '@dnd-kit/core';
import { fieldTraits, type ViewKanban, type UserEntity } from '@metacrm/metadata';
import { App, Card, Empty } from 'antd';
import { useEffect, useState, type ReactNode } from 'react';
import { problemText, toApiError, useLocale, useT, type ApiRecord, fieldUi, optionsOf, label, fieldTypes } from '@metacrm/ui-kit';
import { useSaveRecord } from '../record/use-record';
import { listMessages } from './list.messages';

export interface KanbanBoardProps {
  entity: UserEntity;
  view: ViewKanban;
  records: ApiRecord[];
  onOpen: (id: string) => void;
}

/**
 * A board grouped by the view's select field: one column per option with its count and
 * the sum of the first numeric card field. Dragging a card (mouse, touch or keyboard)
 * saves the new value through the record pipeline; the card moves at once and springs
 * back with the server's error when the write is refused.
 */
export function KanbanBoard({ entity, view, records, onOpen }: KanbanBoardProps) {
  const t = useT(listMessages);
  const { locale } = useLocale();
  const { message } = App.useApp();
  const save = useSaveRecord(entity.key);
  const [moved, setMoved] = useState<Record<string, string>>({});
  // A moved card stays where it was dropped until the refetched list agrees (no flicker back).
  useEffect(() => {
    setMoved((m) => {
      const next = Object.fromEntries(Object.entries(m).filter(([id, to]) => records.find((r) => r.id === id)?.[view.groupBy] !== to));
      return Object.keys(next).length === Object.keys(m).length ? m : next;
    });
  }, [records, view.groupBy]);
  const sensors = useSensors(useSensor(PointerSensor, { activationConstraint: { distance: 5 } }), useSensor(KeyboardSensor));
  const group = entity.fields.find((f) => f.key === view.groupBy);
  if (!group) return <Empty />;
  const cardFields = (view.cardFields ?? []).flatMap((key) => entity.fields.filter((f) => f.key === key));
  const sumField = cardFields.find((f) => fieldTraits(f as never, fieldTypes)?.numeric === true);
  const columns = optionsOf(group).filter((o) => o.active !== false);
  const valueOf = (r: ApiRecord) => moved[r.id] ?? (r[group.key] as string | undefined);
  const canMove = entity.rights.update && group.access.write;

  const onDragEnd = async ({ active, over }: DragEndEvent) => {
    const record = records.find((r) => r.id === active.id);
    const to = over?.id as string | undefined;
    if (!record || !to || valueOf(record) === to) return;
    setMoved((m) => ({ ...m, [record.id]: to }));
    try {
      await save(record.id, { [group.key]: to }, record._version);
    } catch (err) {
      const error = toApiError(err);
      void message.error({ content: `${error.code}: ${problemText(error, locale, { first: true })}`, key: 'kanban-refused' });
      setMoved((m) => {
        const { [record.id]: _refused, ...rest } = m;
        return rest;
      });
    }
  };

  return (
    <DndContext sensors={sensors} onDragEnd={(e) => void onDragEnd(e)}>
      <div className="mc-kanban" data-testid="kanban">
        {columns.map((option) => {
          const cards = records.filter((r) => valueOf(r) === option.key);
          const sum = sumField ? fieldUi(sumField).sum?.(cards.map((r) => r[sumField.key])) : undefined;
          const SumCell = sumField ? fieldUi(sumField).Cell : undefined;
          return (
            <Column key={option.key} id={option.key} title={label(option.label, locale, option.key)} count={cards.length} color={option.color}>
              {sum !== undefined && SumCell && sumField && (
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

function Column({ id, title, count, color, children }: { id: string; title: string; count: number; color?: string | undefined; children: ReactNode }) {
  const { setNodeRef, isOver } = useDroppable({ id });
  return (
    <section ref={setNodeRef} className={`mc-kanban__column${isOver ? ' mc-kanban__column--over' : ''}`} aria-label={title} data-testid={`kanban-column-${id}`}>
      <header className="mc-kanban__header">
        <span className="mc-option-tag__dot" style={color ? { background: color } : undefined} aria-hidden="true" />
        <h2>{title}</h2>
        <span className="mc-kanban__count" data-testid="kanban-count">{count}</span>
      </header>
      {children}
    </section>
  );
}

function KanbanCard({ id, disabled, onOpen, children }: { id: string; disabled: boolean; onOpen: () => void; children: ReactNode }) {
  const { attributes, listeners, setNodeRef, transform, isDragging } = useDraggable({ id, disabled });
  const style = transform ? { transform: `translate3d(${transform.x}px, ${transform.y}px, 0)` } : undefined;
  return (
    <Card ref={setNodeRef} size="small" className={`mc-kanban__card${isDragging ? ' mc-kanban__card--dragging' : ''}`} style={style} {...attributes} {...listeners} onDoubleClick={onOpen} onKeyDown={(e) => { if (e.key === 'Enter' && !isDragging) onOpen(); listeners?.onKeyDown?.(e); }} data-testid="kanban-card">
      {children}
    </Card>
  );
}
