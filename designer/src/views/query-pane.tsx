import type { Entity, View } from '@metacrm/metadata';
import { Button, Select, Space, Typography } from 'antd';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { countConditions, FilterBuilder, fromFilter, toFilter, useLocale, useT } from '@metacrm/ui-kit';
import { labelOf } from '../common/labels';
import { isSortable } from './view-model';
import { viewMessages } from './views.messages';

type Sort = NonNullable<View['sort']>;
const SYSTEM_SORTS = ['_createdAt', '_updatedAt'] as const;
const MAX_SORT = 5;

/**
 * The view's default filter, built with the runtime UI's own filter builder (Apply sets
 * it), and its sort: up to five keys, each a field and a direction.
 */
export function QueryPane({ view, entity, onChange }: { view: View; entity: Entity; onChange: (next: View) => void }) {
  const t = useT(viewMessages);
  const group = fromFilter(view.filter);
  const count = countConditions(group);
  const setFilter = (filter: View['filter'] | undefined) => {
    const { filter: _old, ...rest } = view;
    onChange((filter ? { ...rest, filter } : rest) as View);
  };
  return (
    <>
      <section className="dz-query" aria-labelledby="view-filter-title" data-testid="view-filter">
        <h3 className="dz-pane__subtitle" id="view-filter-title">
          {t('filter.title')}
        </h3>
        <p className="dz-pane__hint">{count === 0 ? t('filter.none') : t('filter.count', { count })}</p>
        {/* Keyed by the filter: an undo or another type's switch shows the builder afresh. */}
        <FilterBuilder key={JSON.stringify(view.filter ?? null)} entity={entity} value={group} onApply={(g) => setFilter(toFilter(g))} />
      </section>
      <SortEditor view={view} entity={entity} onChange={onChange} />
    </>
  );
}

function SortEditor({ view, entity, onChange }: { view: View; entity: Entity; onChange: (next: View) => void }) {
  const t = useT(viewMessages);
  const { locale } = useLocale();
  const sort: Sort = view.sort ?? [];
  const options = [
    ...entity.fields.filter(isSortable).map((f) => ({ value: f.key, label: labelOf(f.label, locale, f.key) })),
    ...SYSTEM_SORTS.map((key) => ({ value: key, label: t(`sort.${key}`) })),
  ];
  const set = (next: Sort) => {
    const { sort: _old, ...rest } = view;
    onChange((next.length > 0 ? { ...rest, sort: next } : rest) as View);
  };
  const unused = options.find((o) => !sort.some((s) => s.field === o.value));
  return (
    <section className="dz-query" aria-labelledby="view-sort-title" data-testid="view-sort">
      <h3 className="dz-pane__subtitle" id="view-sort-title">
        {t('sort.title')}
      </h3>
      {sort.length === 0 && (
        <Typography.Paragraph type="secondary" className="dz-pane__hint">
          {view.type === 'calendar' ? t('sort.calendar') : t('sort.default')}
        </Typography.Paragraph>
      )}
      {sort.map((key, i) => (
        <Space key={i} className="dz-sort-row" wrap data-testid={`sort-row-${i}`}>
          <Select
            aria-label={t('sort.field')}
            value={key.field}
            style={{ minWidth: 150 }}
            options={options.filter((o) => o.value === key.field || !sort.some((s) => s.field === o.value))}
            onChange={(field: string) => set(sort.map((s, j) => (j === i ? { ...s, field } : s)))}
            data-testid="sort-field"
          />
          <Select
            aria-label={t('sort.direction')}
            value={key.direction}
            style={{ minWidth: 110 }}
            options={[
              { value: 'asc', label: t('sort.asc') },
              { value: 'desc', label: t('sort.desc') },
            ]}
            onChange={(direction: 'asc' | 'desc') => set(sort.map((s, j) => (j === i ? { ...s, direction } : s)))}
            data-testid="sort-direction"
          />
          <Button aria-label={t('sort.remove')} icon={<DeleteOutlined />} onClick={() => set(sort.filter((_, j) => j !== i))} />
        </Space>
      ))}
      <Button
        icon={<PlusOutlined />}
        disabled={!unused || sort.length >= MAX_SORT}
        onClick={() => unused && set([...sort, { field: unused.value, direction: 'asc' }])}
        data-testid="sort-add"
      >
        {t('sort.add')}
      </Button>
    </section>
  );
}
