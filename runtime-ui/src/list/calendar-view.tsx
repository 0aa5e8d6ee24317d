import {
  DndContext,
  KeyboardSensor,
  PointerSensor,
  useDraggable,
  useDroppable,
  useSensor,
  useSensors,
  type DragEndEvent,
} from '@dnd-kit/core';
import type { ViewCalendar } from '@metacrm/metadata';
import { LeftOutlined, RightOutlined } from '@ant-design/icons';
import { App, Button, Segmented, Space, Skeleton } from 'antd';
import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { useUrlState } from '../app/url-state';
import { EmptyState, ErrorState, problemText, toApiError, useLocale, useT, type ApiRecord, valueKindOf } from '@metacrm/ui-kit';
import { useSaveRecord } from '../record/use-record';
import {
  CALENDAR_MODES,
  addDays,
  dayKey,
  dayOf,
  dayStart,
  moveValues,
  rangeFilter,
  step,
  visibleRange,
  weekStartOf,
  type CalendarMode,
  type DayKey,
} from './calendar-model';
import { calendarMessages } from './calendar.messages';
import { combineFilters, useRecords } from './use-records';
import { type UserEntity } from '@metacrm/metadata';

/** A calendar shows at most this many entries of its range (the records API's page limit). */
const CALENDAR_SIZE = 200;

export interface CalendarViewProps {
  entity: UserEntity;
  view: ViewCalendar;
  /** The view's filter and the user's, both of which hold. */
  filter: unknown;
  q: string;
  onOpen: (id: string) => void;
}

/**
 * A calendar on the view's date or date-time field: a month grid, a week, or an agenda,
 * with the mode and the shown day in the URL (`cal`, `date`). Dragging an entry to
 * another day (mouse, touch or keyboard) saves the new date through the record
 * pipeline; a refused move springs back with the server's error.
 */
export function CalendarView({ entity, view, filter, q, onOpen }: CalendarViewProps) {
  const t = useT(calendarMessages);
  const { locale } = useLocale();
  const { message } = App.useApp();
  const [params, setParams] = useUrlState();
  const mode: CalendarMode = CALENDAR_MODES.find((m) => m === params.get('cal')) ?? 'month';
  const anchor = /^\d{4}-\d{2}-\d{2}$/.test(params.get('date') ?? '') ? params.get('date')! : dayKey(new Date());
  const firstDay = weekStartOf(locale);
  const range = visibleRange(mode, anchor, firstDay);
  const kinds = { start: valueKindOf(entity, view.dateField), end: view.endDateField ? valueKindOf(entity, view.endDateField) : undefined };
  const query = useRecords({
    entity: entity.key,
    filter: combineFilters(undefined, combineAll(filter, rangeFilter(view.dateField, kinds.start, range.from, range.to))),
    sort: view.dateField,
    q,
    page: 1,
    pageSize: CALENDAR_SIZE,
  });
  const records = useMemo(() => query.data?.records ?? [], [query.data]);
  const save = useSaveRecord(entity.key);
  const [moved, setMoved] = useState<Record<string, DayKey>>({});
  // A moved entry stays where it was dropped until the refetched records agree.
  useEffect(() => {
    setMoved((m) => {
      const next = Object.fromEntries(
        Object.entries(m).filter(([id, to]) => dayOf(records.find((r) => r.id === id)?.[view.dateField], kinds.start) !== to),
      );
      return Object.keys(next).length === Object.keys(m).length ? m : next;
    });
  }, [records, view.dateField, kinds.start]);
  const sensors = useSensors(useSensor(PointerSensor, { activationConstraint: { distance: 5 } }), useSensor(KeyboardSensor));
  const field = entity.fields.find((f) => f.key === view.dateField);
  const canMove = entity.rights.update && field?.access.write === true;
  const dayOfRecord = (r: ApiRecord) => moved[r.id] ?? dayOf(r[view.dateField], kinds.start);
  const byDay = new Map<DayKey, ApiRecord[]>();
  for (const r of records) {
    const day = dayOfRecord(r);
    if (day) byDay.set(day, [...(byDay.get(day) ?? []), r]);
  }

  const onDragEnd = async ({ active, over }: DragEndEvent) => {
    const record = records.find((r) => r.id === active.id);
    const to = over?.id as DayKey | undefined;
    if (!record || !to || dayOfRecord(record) === to) return;
    setMoved((m) => ({ ...m, [record.id]: to }));
    try {
      await save(record.id, moveValues(record, { start: view.dateField, end: view.endDateField }, kinds, to), record._version);
    } catch (err) {
      const error = toApiError(err);
      void message.error({ content: `${error.code}: ${problemText(error, locale, { first: true })}`, key: 'calendar-refused' });
      setMoved((m) => {
        const { [record.id]: _refused, ...rest } = m;
        return rest;
      });
    }
  };

  const entry = (r: ApiRecord) => (
    <CalendarEntry key={r.id} id={r.id} disabled={!canMove} onOpen={() => onOpen(r.id)}>
      {kinds.start === 'datetime' && typeof r[view.dateField] === 'string' && (
        <time className="mc-calendar__time">
          {new Intl.DateTimeFormat(locale, { timeStyle: 'short' }).format(new Date(r[view.dateField] as string))}
        </time>
      )}
      <span>{String(r[view.titleField ?? entity.displayField] ?? r.id)}</span>
    </CalendarEntry>
  );
  const error = query.error ? toApiError(query.error) : undefined;
  const total = query.data?.total ?? records.length;
  return (
    <section className="mc-calendar" aria-label={periodTitle(mode, anchor, range, locale)} data-testid="calendar">
      <div className="mc-calendar__toolbar">
        <Space wrap>
          <Button
            icon={<LeftOutlined />}
            aria-label={t('previous')}
            onClick={() => setParams({ date: step(mode, anchor, -1) })}
            data-testid="calendar-previous"
          />
          <Button onClick={() => setParams({ date: undefined })}>{t('today')}</Button>
          <Button
            icon={<RightOutlined />}
            aria-label={t('next')}
            onClick={() => setParams({ date: step(mode, anchor, 1) })}
            data-testid="calendar-next"
          />
          <h2 className="mc-calendar__title" data-testid="calendar-title">
            {periodTitle(mode, anchor, range, locale)}
          </h2>
        </Space>
        <Segmented
          aria-label={t('mode')}
          value={mode}
          options={CALENDAR_MODES.map((m) => ({ value: m, label: t(m) }))}
          onChange={(m) => setParams({ cal: m === 'month' ? undefined : m })}
          data-testid="calendar-mode"
        />
      </div>
      {error && <ErrorState title={error.code} error={error} onRetry={() => void query.refetch()} compact={records.length > 0} />}
      {total > records.length && <p className="mc-muted">{t('truncated', { n: records.length, total })}</p>}
      {query.isPending ? (
        <Skeleton active />
      ) : mode === 'agenda' ? (
        <Agenda byDay={byDay} locale={locale} empty={t('nothing')} render={entry} />
      ) : (
        <DndContext sensors={sensors} onDragEnd={(e) => void onDragEnd(e)}>
          <table className={`mc-calendar__grid mc-calendar__grid--${mode}`}>
            <thead>
              <tr>
                {Array.from({ length: 7 }, (_, i) => (
                  <th key={i} scope="col">
                    {new Intl.DateTimeFormat(locale, { weekday: 'short' }).format(dayStart(addDays(range.from, i)))}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {Array.from({ length: mode === 'week' ? 1 : 6 }, (_, week) => (
                <tr key={week}>
                  {Array.from({ length: 7 }, (_, i) => {
                    const day = addDays(range.from, week * 7 + i);
                    return (
                      <DayCell key={day} day={day} outside={mode === 'month' && day.slice(0, 7) !== anchor.slice(0, 7)}>
                        {(byDay.get(day) ?? []).map(entry)}
                      </DayCell>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </DndContext>
      )}
    </section>
  );
}

function combineAll(a: unknown, b: unknown): unknown {
  return a === undefined ? b : { and: [a, b] };
}

function periodTitle(mode: CalendarMode, anchor: DayKey, range: { from: DayKey; to: DayKey }, locale: string): string {
  if (mode !== 'week') return new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'long' }).format(dayStart(anchor));
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium' }).formatRange(dayStart(range.from), dayStart(addDays(range.to, -1)));
}

function DayCell({ day, outside, children }: { day: DayKey; outside: boolean; children: ReactNode }) {
  const { setNodeRef, isOver } = useDroppable({ id: day });
  const today = day === dayKey(new Date());
  const classes = [
    'mc-calendar__day',
    outside && 'mc-calendar__day--outside',
    today && 'mc-calendar__day--today',
    isOver && 'mc-calendar__day--over',
  ]
    .filter(Boolean)
    .join(' ');
  return (
    <td ref={setNodeRef} className={classes} data-testid={`calendar-day-${day}`} aria-current={today ? 'date' : undefined}>
      <time className="mc-calendar__date" dateTime={day}>
        {Number(day.slice(8))}
      </time>
      <div className="mc-calendar__entries">{children}</div>
    </td>
  );
}

function CalendarEntry({ id, disabled, onOpen, children }: { id: string; disabled: boolean; onOpen: () => void; children: ReactNode }) {
  const { attributes, listeners, setNodeRef, transform, isDragging } = useDraggable({ id, disabled });
  const style = transform ? { transform: `translate3d(${transform.x}px, ${transform.y}px, 0)` } : undefined;
  return (
    <div
      ref={setNodeRef}
      className={`mc-calendar__entry${isDragging ? ' mc-calendar__entry--dragging' : ''}`}
      style={style}
      {...attributes}
      {...listeners}
      onClick={onOpen}
      onKeyDown={(e) => {
        if (e.key === 'Enter' && !isDragging) onOpen();
        listeners?.onKeyDown?.(e);
      }}
      data-testid="calendar-entry"
    >
      {children}
    </div>
  );
}

function Agenda({
  byDay,
  locale,
  empty,
  render,
}: {
  byDay: Map<DayKey, ApiRecord[]>;
  locale: string;
  empty: string;
  render: (r: ApiRecord) => ReactNode;
}) {
  const days = [...byDay.keys()].sort();
  if (days.length === 0) return <EmptyState title={empty} />;
  return (
    <ol className="mc-calendar__agenda" data-testid="calendar-agenda">
      {days.map((day) => (
        <li key={day}>
          <h3 className="mc-calendar__agenda-day">
            <time dateTime={day}>{new Intl.DateTimeFormat(locale, { dateStyle: 'full' }).format(dayStart(day))}</time>
          </h3>
          {byDay.get(day)!.map(render)}
        </li>
      ))}
    </ol>
  );
}
