import { fieldTraits, type View, type ViewCalendar, type ViewKanban, type UserEntity } from '@metacrm/metadata';
import { FilterOutlined, PlusOutlined, UploadOutlined } from '@ant-design/icons';
import { DndContext, KeyboardSensor, PointerSensor, useSensor, useSensors, type DragEndEvent } from '@dnd-kit/core';
import { Badge, Button, Card, Grid, Input, Popover, Space, Table, type TableProps } from 'antd';
import { useLayoutEffect, useMemo, useRef, useState, type HTMLAttributes } from 'react';
import { jsonParam, useUrlState } from '../app/url-state';
import {
  EmptyState,
  ErrorState,
  navigate,
  toApiError,
  useDocumentTitle,
  useLocale,
  useT,
  fieldUi,
  type ApiRecord,
  entityTitle,
  label,
  viewsOf,
  type RuntimeMeta,
  fieldTypes,
  FilterBuilder,
  countConditions,
  fromFilter,
  toFilter,
} from '@metacrm/ui-kit';
import { displayName, RecordDrawer } from '../record/record-drawer';
import { BulkBar } from './bulk-bar';
import { CellEditor, EditableCell } from './inline-edit';
import { CalendarView } from './calendar-view';
import { KanbanBoard } from './kanban-board';
import { listMessages } from './list.messages';
import { ColumnHeader } from './column-header';
import { sortOfParam, usePersonalViews, type ColumnPref } from './personal-views';
import { useColumnLayout } from './use-column-layout';
import { combineFilters, expandable, useRecords } from './use-records';
import { ViewBar } from './view-bar';

const PAGE_SIZE = 50;
/** A board shows the first 200 records of its view (the records API's page limit). */
const KANBAN_SIZE = 200;

/**
 * A list view of one entity: the view's columns, sort and filter, the user's filter
 * (builder), search, paging and the open record, all in the URL. Cards at phone width.
 */
export function ListPage({ meta, entity, recordId }: { meta: RuntimeMeta; entity: UserEntity; recordId?: string | undefined }) {
  const t = useT(listMessages);
  const { locale } = useLocale();
  const narrow = Grid.useBreakpoint().md === false;
  const [params, setParams] = useUrlState();
  const views = viewsOf(meta, entity.key);
  const personal = usePersonalViews(entity.key);
  const wanted = params.get('view');
  // A view of the user's own (p_<id>) is known once their views arrive; until then nothing is asked for.
  const waiting = wanted?.startsWith('p_') === true && personal.isPending;
  const view: View | undefined = [...views, ...(personal.data ?? []).map((p) => p.view)].find((v) => v.key === wanted) ?? views[0];
  const userFilter = jsonParam<unknown>(params, 'filter');
  const group = useMemo(() => fromFilter(userFilter), [params.get('filter')]);
  const sort = params.get('sort') ?? (view?.sort ? sortParam(view.sort) : undefined);
  const page = Math.max(1, Number(params.get('page') ?? '1') || 1);
  const q = params.get('q') ?? '';
  const layout = useColumnLayout(entity, view);
  const columns = layout.columns;
  const [filterOpen, setFilterOpen] = useState(false);
  const creating = params.get('new') === '1';
  const title = entityTitle(entity, locale);
  useDocumentTitle(`${title} · metacrm`);

  // A calendar asks for the records of the days it shows (CalendarView), not for a page.
  const calendar = view?.type === 'calendar';
  const query = useRecords({
    enabled: !calendar && !waiting,
    entity: entity.key,
    filter: combineFilters(view, userFilter),
    sort,
    q,
    page,
    pageSize:
      view?.type === 'kanban' ? KANBAN_SIZE : view && 'pageSize' in view && typeof view.pageSize === 'number' ? view.pageSize : PAGE_SIZE,
    expand: expandable(entity, columns),
  });
  const records = query.data?.records ?? [];
  const open = params.get('open') ?? recordId;
  const [selected, setSelected] = useState<string[]>([]);
  const [editing, setEditing] = useState<{ id: string; field: string } | null>(null);
  const editingRecord = editing ? records.find((r) => r.id === editing.id) : undefined;
  const tableRef = useRef<HTMLDivElement>(null);
  // antd's hidden measuring row copies the header, "select all" checkbox included, under
  // aria-hidden: a focusable control screen readers cannot see (axe aria-hidden-focus).
  // `inert` takes it out of the focus order, as the row was meant to be.
  useLayoutEffect(() => {
    tableRef.current?.querySelectorAll('.ant-table-measure-row').forEach((row) => row.setAttribute('inert', ''));
  });

  // Column headers move by their grip (dnd-kit): dropped on another header, a column takes its place.
  const sensors = useSensors(useSensor(PointerSensor, { activationConstraint: { distance: 5 } }), useSensor(KeyboardSensor));
  const onColumnDrop = ({ active, over }: DragEndEvent) => {
    const from = String(active.id).replace(/^column:/, '');
    const to = over ? String(over.id).replace(/^column:/, '') : '';
    if (to) layout.move(from, to);
  };

  const tableColumns: TableProps<ApiRecord>['columns'] = columns.flatMap((key) => {
    const field = entity.fields.find((f) => f.key === key);
    if (!field) return [];
    const { Cell } = fieldUi(field);
    const ordered = fieldTraits(field as never, fieldTypes)?.ordered === true;
    const direction = sort === key ? 'ascend' : sort === `-${key}` ? 'descend' : null;
    return [
      {
        key,
        dataIndex: key,
        title: label(field.label, locale, key),
        width: layout.widthOf(key),
        onHeaderCell: () =>
          ({
            colKey: key,
            width: layout.widthOf(key),
            moveLabel: t('moveColumn', { field: label(field.label, locale, key) }),
            resizeLabel: t('resizeColumn', { field: label(field.label, locale, key) }),
            onResize: (w: number) => layout.onResize(key, w),
            onResizeEnd: (w: number) => layout.onResizeEnd(key, w),
          }) as HTMLAttributes<HTMLElement>,
        sorter: ordered,
        sortOrder: direction,
        render: (_: unknown, record: ApiRecord) => (
          <EditableCell entity={entity} fieldKey={key} onEdit={() => setEditing({ id: record.id, field: key })}>
            <Cell field={field} value={record[key]} record={record} locale={locale} />
          </EditableCell>
        ),
      },
    ];
  });

  const cardFields = columns.flatMap((key) => entity.fields.filter((f) => f.key === key)).slice(0, 4);
  const error = query.error ? toApiError(query.error) : undefined;
  const filterCount = countConditions(group);
  return (
    <section className="mc-list" aria-labelledby="list-title">
      <header className="mc-page-header">
        <h1 id="list-title">{title}</h1>
        <Space wrap>
          <ViewBar
            entity={entity.key}
            views={views}
            personal={personal.data ?? []}
            current={view}
            snapshot={() => viewSnapshot(entity.key, view, combineFilters(view, userFilter), sort, layout.current())}
            onSelect={(v) =>
              setParams({ view: v || undefined, filter: undefined, page: undefined, sort: undefined, cal: undefined, date: undefined })
            }
            onResetColumns={layout.arranged ? () => void layout.reset() : undefined}
          />
          <Input.Search
            aria-label={t('search')}
            placeholder={t('search')}
            defaultValue={q}
            allowClear
            onSearch={(value) => setParams({ q: value || undefined, page: undefined })}
            style={{ width: 200 }}
          />
          <Popover
            open={filterOpen}
            onOpenChange={setFilterOpen}
            trigger="click"
            placement="bottomRight"
            content={
              <FilterBuilder
                entity={entity}
                value={group}
                onApply={(g) => {
                  const f = toFilter(g);
                  setParams({ filter: f ? JSON.stringify(f) : undefined, page: undefined });
                  setFilterOpen(false);
                }}
              />
            }
          >
            <Badge count={filterCount} size="small">
              <Button icon={<FilterOutlined />} data-testid="filter-button">
                {t('filter')}
              </Button>
            </Badge>
          </Popover>
          {entity.rights.create && (
            <Button icon={<UploadOutlined />} onClick={() => navigate(`/e/${entity.key}/import`)} data-testid="import-open">
              {t('import')}
            </Button>
          )}
          {entity.rights.create && (
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => setParams({ new: '1', open: undefined })}
              data-testid="new-record"
            >
              {t('new')}
            </Button>
          )}
        </Space>
      </header>
      {selected.length > 0 && (
        <BulkBar
          meta={meta}
          entity={entity}
          selected={selected}
          names={(id) =>
            displayName(
              entity,
              records.find((r) => r.id === id),
            ) || id
          }
          exportQuery={exportSearch(combineFilters(view, userFilter), sort, q)}
          onDone={() => setSelected([])}
        />
      )}
      {error && (
        <ErrorState
          title={error.status === 403 ? t('noPermission') : t('loadFailed')}
          error={error}
          onRetry={() => void query.refetch()}
          compact={records.length > 0}
        />
      )}
      {calendar ? (
        <CalendarView
          entity={entity}
          view={view as ViewCalendar}
          filter={combineFilters(view, userFilter)}
          q={q}
          onOpen={(id) => setParams({ open: id })}
        />
      ) : !error && !query.isPending && records.length === 0 ? (
        <EmptyState title={filterCount > 0 || q ? t('emptyFiltered') : t('empty')} description={t('emptyHint')} />
      ) : view?.type === 'kanban' ? (
        <KanbanBoard
          entity={entity}
          view={view as ViewKanban}
          records={records}
          filter={combineFilters(view, userFilter)}
          q={q}
          onOpen={(id) => setParams({ open: id })}
        />
      ) : narrow ? (
        <div className="mc-cards" data-testid="record-cards">
          {records.map((record) => (
            <Card
              key={record.id}
              size="small"
              hoverable
              tabIndex={0}
              role="button"
              onClick={() => setParams({ open: record.id })}
              onKeyDown={(e) => e.key === 'Enter' && setParams({ open: record.id })}
              className="mc-record-card"
            >
              {cardFields.map((field) => {
                const { Cell } = fieldUi(field);
                return (
                  <div key={field.key} className="mc-record-card__row">
                    <span className="mc-muted">{label(field.label, locale, field.key)}</span>
                    <span>
                      <Cell field={field} value={record[field.key]} record={record} locale={locale} />
                    </span>
                  </div>
                );
              })}
            </Card>
          ))}
        </div>
      ) : (
        <div ref={tableRef}>
          <DndContext sensors={sensors} onDragEnd={onColumnDrop}>
            <Table<ApiRecord>
              components={{ header: { cell: ColumnHeader } }}
              tableLayout="fixed"
              rowKey="id"
              rowSelection={{ selectedRowKeys: selected, onChange: (keys) => setSelected(keys.map(String)) }}
              size="middle"
              columns={tableColumns}
              dataSource={records}
              loading={query.isFetching && records.length === 0}
              sticky
              pagination={{
                current: page,
                pageSize: PAGE_SIZE,
                total: query.data?.total,
                showSizeChanger: false,
                showTotal: (n) => t('total', { n }),
              }}
              onChange={(pagination, _filters, sorter) => {
                const s = Array.isArray(sorter) ? sorter[0] : sorter;
                const nextSort = s?.order ? `${s.order === 'descend' ? '-' : ''}${String(s.columnKey)}` : undefined;
                setParams({ page: pagination.current && pagination.current > 1 ? String(pagination.current) : undefined, sort: nextSort });
              }}
              onRow={(record) =>
                ({
                  onClick: () => setParams({ open: record.id }),
                  onKeyDown: (e) => e.key === 'Enter' && setParams({ open: record.id }),
                  tabIndex: 0,
                  'data-testid': 'record-row',
                }) as HTMLAttributes<HTMLElement>
              }
            />
          </DndContext>
        </div>
      )}
      {editing && editingRecord && (
        <CellEditor entity={entity} fieldKey={editing.field} record={editingRecord} onClose={() => setEditing(null)} />
      )}
      {(open || creating) && (
        <RecordDrawer
          meta={meta}
          entity={entity}
          id={creating ? undefined : open}
          onClose={() => (recordId ? navigate(`/e/${entity.key}`) : setParams({ open: undefined, new: undefined }))}
          onCreated={(id) => setParams({ open: id, new: undefined }, { replace: true })}
        />
      )}
    </section>
  );
}

/** The screen as a view of the user's own: the current view's kind, its filter and the user's, the sort, the columns as arranged. */
function viewSnapshot(
  entity: string,
  view: View | undefined,
  filter: unknown,
  sort: string | undefined,
  columns: ColumnPref[],
): Omit<View, 'key' | 'label'> {
  const {
    key: _key,
    label: _label,
    default: _default,
    filter: _filter,
    sort: _sort,
    ...kind
  } = view ?? { type: 'list', entity, key: '', label: { en: '', 'zh-CN': '' }, columns };
  const sorted = sortOfParam(sort);
  return {
    ...kind,
    entity,
    ...(kind.type === 'list' ? { columns } : {}),
    ...(filter ? { filter } : {}),
    ...(sorted ? { sort: sorted } : {}),
  } as Omit<View, 'key' | 'label'>;
}

/** The export's query: the list's own filter, sort and search. */
function exportSearch(filter: unknown, sort: string | undefined, q: string): string {
  const params = new URLSearchParams();
  if (filter) params.set('filter', JSON.stringify(filter));
  if (sort) params.set('sort', sort);
  if (q) params.set('q', q);
  return params.toString();
}

function sortParam(sort: unknown): string | undefined {
  const list = Array.isArray(sort) ? sort : [sort];
  return list.map((s: { field: string; direction?: string }) => `${s.direction === 'desc' ? '-' : ''}${s.field}`).join(',') || undefined;
}
