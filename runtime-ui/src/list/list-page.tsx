import { fieldTraits, type Entity, type View } from '@metacrm/metadata';
import { FilterOutlined, PlusOutlined } from '@ant-design/icons';
import { Badge, Button, Card, Grid, Input, Popover, Select, Space, Table, type TableProps } from 'antd';
import { useMemo, useState, type HTMLAttributes, type ReactNode } from 'react';
import { jsonParam, useUrlState } from '../app/url-state';
import { fieldUi, type ApiRecord } from '../fields/field-ui';
import { EmptyState, ErrorState, navigate, toApiError, useDocumentTitle, useLocale, useT } from '../kit';
import { entityTitle, label, viewsOf, type RuntimeMeta } from '../meta/meta';
import { fieldTypes } from '../meta/registries';
import { RecordDrawer } from '../record/record-drawer';
import { FilterBuilder } from './filter-builder';
import { countConditions, fromFilter, toFilter } from './filter-model';
import { listMessages } from './list.messages';
import { columnsOf, combineFilters, expandable, useRecords } from './use-records';

const PAGE_SIZE = 50;

/**
 * A list view of one entity: the view's columns, sort and filter, the user's filter
 * (builder), search, paging and the open record, all in the URL. Cards at phone width.
 */
export function ListPage({ meta, entity, recordId }: { meta: RuntimeMeta; entity: Entity; recordId?: string | undefined }) {
  const t = useT(listMessages);
  const { locale } = useLocale();
  const narrow = Grid.useBreakpoint().md === false;
  const [params, setParams] = useUrlState();
  const views = viewsOf(meta, entity.key).filter((v) => v.type === 'list');
  const view: View | undefined = views.find((v) => v.key === params.get('view')) ?? views[0];
  const userFilter = jsonParam<unknown>(params, 'filter');
  const group = useMemo(() => fromFilter(userFilter), [params.get('filter')]);
  const sort = params.get('sort') ?? (view?.sort ? sortParam(view.sort) : undefined);
  const page = Math.max(1, Number(params.get('page') ?? '1') || 1);
  const q = params.get('q') ?? '';
  const columns = columnsOf(entity, view);
  const [filterOpen, setFilterOpen] = useState(false);
  const creating = params.get('new') === '1';
  const title = entityTitle(entity, locale);
  useDocumentTitle(`${title} · metacrm`);

  const query = useRecords({ entity: entity.key, filter: combineFilters(view, userFilter), sort, q, page, pageSize: view && 'pageSize' in view && typeof view.pageSize === 'number' ? view.pageSize : PAGE_SIZE, expand: expandable(entity, columns) });
  const records = query.data?.records ?? [];
  const open = params.get('open') ?? recordId;

  const tableColumns: TableProps<ApiRecord>['columns'] = columns.flatMap((key) => {
    const field = entity.fields.find((f) => f.key === key);
    if (!field) return [];
    const { Cell } = fieldUi(field);
    const ordered = fieldTraits(field as never, fieldTypes)?.ordered === true;
    const direction = sort === key ? 'ascend' : sort === `-${key}` ? 'descend' : null;
    return [{
      key,
      dataIndex: key,
      title: label(field.label, locale, key),
      ellipsis: true,
      sorter: ordered,
      sortOrder: direction,
      render: (_: unknown, record: ApiRecord) => <Cell field={field} value={record[key]} record={record} locale={locale} />,
    }];
  });

  const error = query.error ? toApiError(query.error) : undefined;
  const filterCount = countConditions(group);
  return (
    <section className="mc-list" aria-labelledby="list-title">
      <header className="mc-page-header">
        <h1 id="list-title">{title}</h1>
        <Space wrap>
          {views.length > 1 && (
            <Select aria-label={t('view')} value={view?.key} onChange={(v: string) => setParams({ view: v, page: undefined, sort: undefined })} options={views.map((v) => ({ value: v.key, label: label(v.label, locale, v.key) }))} />
          )}
          <Input.Search aria-label={t('search')} placeholder={t('search')} defaultValue={q} allowClear onSearch={(value) => setParams({ q: value || undefined, page: undefined })} style={{ width: 200 }} />
          <Popover
            open={filterOpen}
            onOpenChange={setFilterOpen}
            trigger="click"
            placement="bottomRight"
            content={<FilterBuilder entity={entity} value={group} onApply={(g) => { const f = toFilter(g); setParams({ filter: f ? JSON.stringify(f) : undefined, page: undefined }); setFilterOpen(false); }} />}
          >
            <Badge count={filterCount} size="small">
              <Button icon={<FilterOutlined />} data-testid="filter-button">{t('filter')}</Button>
            </Badge>
          </Popover>
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setParams({ new: '1', open: undefined })} data-testid="new-record">
            {t('new')}
          </Button>
        </Space>
      </header>
      {error && <ErrorState title={error.status === 403 ? t('noPermission') : t('loadFailed')} error={error} onRetry={() => void query.refetch()} compact={records.length > 0} />}
      {!error && !query.isPending && records.length === 0 ? (
        <EmptyState title={filterCount > 0 || q ? t('emptyFiltered') : t('empty')} description={t('emptyHint')} />
      ) : narrow ? (
        <div className="mc-cards" data-testid="record-cards">
          {records.map((record) => (
            <Card key={record.id} size="small" hoverable tabIndex={0} role="button" onClick={() => setParams({ open: record.id })} onKeyDown={(e) => e.key === 'Enter' && setParams({ open: record.id })} className="mc-record-card">
              {tableColumns.slice(0, 4).map((column) => (
                <div key={String(column.key)} className="mc-record-card__row">
                  <span className="mc-muted">{column.title as string}</span>
                  <span>{column.render?.(undefined, record, 0) as ReactNode}</span>
                </div>
              ))}
            </Card>
          ))}
        </div>
      ) : (
        <Table<ApiRecord>
          rowKey="id"
          size="middle"
          columns={tableColumns}
          dataSource={records}
          loading={query.isFetching && records.length === 0}
          sticky
          scroll={{ x: 'max-content' }}
          pagination={{ current: page, pageSize: PAGE_SIZE, total: query.data?.total, showSizeChanger: false, showTotal: (n) => t('total', { n }) }}
          onChange={(pagination, _filters, sorter) => {
            const s = Array.isArray(sorter) ? sorter[0] : sorter;
            const nextSort = s?.order ? `${s.order === 'descend' ? '-' : ''}${String(s.columnKey)}` : undefined;
            setParams({ page: pagination.current && pagination.current > 1 ? String(pagination.current) : undefined, sort: nextSort });
          }}
          onRow={(record) => ({ onClick: () => setParams({ open: record.id }), onKeyDown: (e) => e.key === 'Enter' && setParams({ open: record.id }), tabIndex: 0, 'data-testid': 'record-row' }) as HTMLAttributes<HTMLElement>}
        />
      )}
      {(open || creating) && (
        <RecordDrawer meta={meta} entity={entity} id={creating ? undefined : open} onClose={() => (recordId ? navigate(`/e/${entity.key}`) : setParams({ open: undefined, new: undefined }))} onCreated={(id) => setParams({ open: id, new: undefined }, { replace: true })} />
      )}
    </section>
  );
}

function sortParam(sort: unknown): string | undefined {
  const list = Array.isArray(sort) ? sort : [sort];
  return list.map((s: { field: string; direction?: string }) => `${s.direction === 'desc' ? '-' : ''}${s.field}`).join(',') || undefined;
}
