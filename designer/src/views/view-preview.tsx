import { sortText, viewSortKeys, type Entity, type Field, type View } from '@metacrm/metadata';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Card, Empty, Table, Typography } from 'antd';
import { api, ErrorState, fieldUi, optionsOf, toApiError, useLocale, useT, type ApiRecord, type Locale } from '@metacrm/ui-kit';
import { labelOf } from '../common/labels';
import { shownFields } from './view-model';
import { viewMessages } from './views.messages';

const SAMPLE = 8;

/**
 * The view drawn with the runtime UI's own cells over sample records of the published
 * entity, fetched through the view's filter and sort: a table for a list, columns of
 * cards for a board, dated rows for a calendar.
 */
export function ViewPreview({ view, entity, published }: { view: View; entity: Entity; published: boolean }) {
  const t = useT(viewMessages);
  const { locale } = useLocale();
  const sample = useQuery({
    queryKey: ['view-sample', view.entity, view.filter ?? null, view.sort ?? null, view.type],
    enabled: published,
    queryFn: async ({ signal }) => {
      const params = new URLSearchParams({
        limit: String(SAMPLE),
        sort: sortText(viewSortKeys(view)),
        timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
      });
      if (view.filter) params.set('filter', JSON.stringify(view.filter));
      return await api.get<{ records: ApiRecord[] }>(`/api/records/${encodeURIComponent(view.entity)}?${params.toString()}`, { signal });
    },
    placeholderData: keepPreviousData,
    retry: false,
  });
  const records = sample.data?.records ?? [];
  return (
    <Card
      size="small"
      title={<h3 className="dz-card-title">{t('preview.title')}</h3>}
      className="dz-preview"
      data-testid="view-preview"
      aria-busy={sample.isFetching}
    >
      <p className="dz-pane__hint">{published ? t('preview.hint') : t('preview.unpublished')}</p>
      {sample.error && <ErrorState compact title={t('preview.failed')} error={toApiError(sample.error)} />}
      {view.type === 'kanban' ? (
        <BoardPreview view={view} entity={entity} records={records} locale={locale} />
      ) : (
        <TablePreview view={view} entity={entity} records={records} locale={locale} loading={sample.isLoading} />
      )}
    </Card>
  );
}

function cell(field: Field | undefined, record: ApiRecord, locale: Locale) {
  if (!field) return null;
  const { Cell } = fieldUi(field);
  return <Cell field={field} value={record[field.key]} record={record} locale={locale} />;
}

function TablePreview({
  view,
  entity,
  records,
  locale,
  loading,
}: {
  view: View;
  entity: Entity;
  records: ApiRecord[];
  locale: Locale;
  loading: boolean;
}) {
  const t = useT(viewMessages);
  const keys = view.type === 'calendar' ? [view.titleField ?? entity.displayField, view.dateField, view.endDateField] : shownFields(view);
  const fields = keys.flatMap((key) => entity.fields.filter((f) => f.key === key));
  return (
    <Table<ApiRecord>
      size="small"
      rowKey="id"
      loading={loading}
      pagination={false}
      scroll={{ x: 'max-content' }}
      dataSource={records}
      locale={{ emptyText: t('preview.empty') }}
      columns={fields.map((field) => ({
        key: field.key,
        title: labelOf(field.label, locale, field.key),
        render: (_: unknown, record: ApiRecord) => cell(field, record, locale),
      }))}
      data-testid="preview-table"
    />
  );
}

function BoardPreview({
  view,
  entity,
  records,
  locale,
}: {
  view: Extract<View, { type: 'kanban' }>;
  entity: Entity;
  records: ApiRecord[];
  locale: Locale;
}) {
  const t = useT(viewMessages);
  const group = entity.fields.find((f) => f.key === view.groupBy);
  if (!group) return <Empty />;
  const cards = (view.cardFields ?? []).flatMap((key) => entity.fields.filter((f) => f.key === key));
  return (
    <div className="dz-board" data-testid="preview-board">
      {optionsOf(group)
        .filter((o) => o.active !== false)
        .map((option) => {
          const own = records.filter((r) => r[group.key] === option.key);
          return (
            <section key={option.key} className="dz-board__column" aria-label={labelOf(option.label, locale, option.key)}>
              <h4 className="dz-board__title">
                {labelOf(option.label, locale, option.key)} <Typography.Text type="secondary">{own.length}</Typography.Text>
              </h4>
              {own.map((record) => (
                <div key={record.id} className="dz-board__card">
                  {cards.map((field) => (
                    <div key={field.key}>{cell(field, record, locale)}</div>
                  ))}
                </div>
              ))}
              {own.length === 0 && (
                <Typography.Text type="secondary" className="dz-pane__hint">
                  {t('preview.none')}
                </Typography.Text>
              )}
            </section>
          );
        })}
    </div>
  );
}
