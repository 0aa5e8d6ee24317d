import { fieldTraits, type UserEntity } from '@metacrm/metadata';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Card, Skeleton, Table } from 'antd';
import { useMemo } from 'react';
import {
  api,
  EmptyState,
  ErrorState,
  navigate,
  toApiError,
  useLocale,
  useT,
  type Locale,
  type Translate,
  fieldUi,
  entityOf,
  label,
  type RuntimeMeta,
  fieldTypes,
  aggregateBody,
  drillDownHref,
  keyText,
  chartModel,
  DashboardChart,
  type AggregateAnswer,
  type AggregateKey,
  type DashboardFilters,
  type MeasureValue,
  type Widget,
} from '@metacrm/ui-kit';
import { dashboardMessages } from './dashboard.messages';

type T = Translate<keyof (typeof dashboardMessages)['en'] & string>;

/** The browser's zone: the aggregate buckets dates by the viewer's calendar. */
const TIME_ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone;

/** One widget's aggregate for the viewer; the last figures stay while new ones load. */
function useAggregate(widget: Widget, filters: DashboardFilters) {
  const body = aggregateBody(widget, filters, TIME_ZONE);
  return useQuery({
    queryKey: ['aggregate', widget.entity, body],
    queryFn: async ({ signal }) =>
      await api.post<AggregateAnswer>(`/api/records/${encodeURIComponent(widget.entity)}/aggregate`, body, { signal }),
    placeholderData: keepPreviousData,
  });
}

/**
 * A widget on its place of the dashboard grid: a KPI number, a chart or a table over
 * the aggregate API, with its own loading, empty and error states. Every group (a bar,
 * a slice, a row, the number) opens the entity's list filtered to its records.
 */
export function DashboardWidget({ meta, widget, filters }: { meta: RuntimeMeta; widget: Widget; filters: DashboardFilters }) {
  const t = useT(dashboardMessages);
  const { locale } = useLocale();
  const entity = entityOf(meta, widget.entity);
  const query = useAggregate(widget, filters);
  const title = label(widget.title, locale, widget.key);
  const place = { '--x': widget.layout.x, '--y': widget.layout.y, '--w': widget.layout.w, '--h': widget.layout.h } as React.CSSProperties;
  const body = !entity ? null : query.error ? (
    <ErrorState title={t('widgetFailed')} error={toApiError(query.error)} onRetry={() => void query.refetch()} compact />
  ) : !query.data ? (
    <Skeleton active paragraph={{ rows: widget.type === 'kpi' ? 1 : 4 }} />
  ) : (
    <WidgetBody widget={widget} entity={entity} answer={query.data} filters={filters} locale={locale} t={t} />
  );
  return (
    <Card
      className={`mc-widget mc-widget--${widget.type}`}
      style={place}
      title={
        <h2 className="mc-widget__title" id={`widget-title-${widget.key}`}>
          {title}
        </h2>
      }
      size="small"
      data-testid={`widget-${widget.key}`}
      aria-busy={query.isFetching}
    >
      {body}
    </Card>
  );
}

function WidgetBody({
  widget,
  entity,
  answer,
  filters,
  locale,
  t,
}: {
  widget: Widget;
  entity: UserEntity;
  answer: AggregateAnswer;
  filters: DashboardFilters;
  locale: Locale;
  t: T;
}) {
  const groups = widget.query.groupBy ?? [];
  const measureName = (i: number) => measureLabel(widget, entity, i, locale, t);
  const formatValue = (value: MeasureValue, i: number) => (
    <MeasureCell widget={widget} entity={entity} index={i} value={value} locale={locale} />
  );
  const open = (keys: AggregateKey[]) => navigate(drillDownHref(widget, entity, filters, keys));
  const model = useMemo(
    () =>
      chartModel(widget.type, answer, {
        key: (key, level) => keyText(key, groups[level]?.bucket, locale, t('none')),
        measure: measureName,
        value: (v, i) => plainNumber(widget, entity, i, v, locale),
      }),
    [answer, locale],
  );
  if (widget.type === 'kpi') {
    return (
      <button
        type="button"
        className="mc-widget__kpi"
        onClick={() => open([])}
        data-testid="widget-kpi"
        aria-describedby={`widget-title-${widget.key}`}
      >
        {formatValue(answer.total.values[0] ?? null, 0)}
      </button>
    );
  }
  if (answer.groups.length === 0) return <EmptyState title={t('noData')} />;
  const rows = answer.groups.map((g, i) => ({ key: i, keys: g.keys, values: g.values }));
  const columns = [
    ...groups.map((g, level) => ({
      key: `k${level}`,
      title: fieldLabel(entity, g.field, locale),
      render: (_: unknown, row: (typeof rows)[number]) => keyText(row.keys[level] ?? { value: null }, g.bucket, locale, t('none')),
    })),
    ...answer.total.values.map((_, m) => ({
      key: `m${m}`,
      title: measureName(m),
      align: 'right' as const,
      render: (_: unknown, row: (typeof rows)[number]) => formatValue(row.values[m] ?? null, m),
    })),
  ];
  const table = (
    <Table
      size="small"
      pagination={false}
      dataSource={rows}
      columns={columns}
      onRow={(row) =>
        ({
          onClick: () => open(row.keys),
          onKeyDown: (e) => e.key === 'Enter' && open(row.keys),
          tabIndex: 0,
          role: 'link',
          'data-testid': 'widget-row',
        }) as React.HTMLAttributes<HTMLElement>
      }
    />
  );
  if (widget.type === 'table')
    return (
      <div className="mc-widget__table">
        {table}
        {answer.truncated && <p className="mc-muted">{t('truncated')}</p>}
      </div>
    );
  return (
    <>
      <DashboardChart
        model={model}
        ariaLabel={t('chartOf', { title: label(widget.title, locale), type: t(widget.type as 'bar') })}
        failedTitle={t('chartFailed')}
        onPick={open}
      />
      <details className="mc-widget__data">
        <summary>{t('showData')}</summary>
        {table}
      </details>
    </>
  );
}

function fieldLabel(entity: UserEntity, key: string, locale: Locale): string {
  const field = entity.fields.find((f) => f.key === key);
  return field ? label(field.label, locale, key) : key;
}

function measureLabel(widget: Widget, entity: UserEntity, index: number, locale: Locale, t: T): string {
  const measure = widget.query.measures[index];
  if (!measure || measure.fn === 'count' || !measure.field) return t('count');
  return t(measure.fn, { field: fieldLabel(entity, measure.field, locale) });
}

/** A measure shown as its field shows values (currency with its code and scale); counts as plain numbers. */
function MeasureCell({
  widget,
  entity,
  index,
  value,
  locale,
}: {
  widget: Widget;
  entity: UserEntity;
  index: number;
  value: MeasureValue;
  locale: Locale;
}) {
  const measure = widget.query.measures[index];
  const field = measure?.fn !== 'count' && measure?.field ? entity.fields.find((f) => f.key === measure.field) : undefined;
  if (!field || value === null) return <span className="mc-cell-number">{new Intl.NumberFormat(locale).format(Number(value ?? 0))}</span>;
  const { Cell } = fieldUi(field);
  return <Cell field={field} value={value} record={{ id: '', _version: 0 }} locale={locale} />;
}

/** A measure's number in words a chart's tooltip can show (no components there). */
function plainNumber(widget: Widget, entity: UserEntity, index: number, value: number, locale: Locale): string {
  const measure = widget.query.measures[index];
  const field = measure?.field ? entity.fields.find((f) => f.key === measure.field) : undefined;
  const numeric = field ? fieldTraits(field as never, fieldTypes)?.numeric === true : false;
  const currency =
    numeric && typeof (field as { currencyCode?: unknown } | undefined)?.currencyCode === 'string'
      ? (field as { currencyCode: string }).currencyCode
      : undefined;
  return new Intl.NumberFormat(
    locale,
    currency && measure?.fn !== 'count' ? { style: 'currency', currency, maximumFractionDigits: 0 } : { maximumFractionDigits: 2 },
  ).format(value);
}
