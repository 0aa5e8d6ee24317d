import { Segmented, Select, Space } from 'antd';
import { useUrlState } from '../app/url-state';
import { EmptyState, useDocumentTitle, useLocale, useT, label, type RuntimeMeta, type DashboardFilters } from '@metacrm/ui-kit';
import { DashboardWidget } from './dashboard-widget';
import { CREATED_PERIODS, dashboardMessages } from './dashboard.messages';
import './dashboard.css';

/**
 * A dashboard from the metadata: its widgets on a 24-column grid (one column at phone
 * width), under a filter bar whose choices (only my records, a creation period) apply
 * to every widget and live in the URL.
 */
export function DashboardPage({ meta, dashboardKey }: { meta: RuntimeMeta; dashboardKey: string }) {
  const t = useT(dashboardMessages);
  const { locale } = useLocale();
  const [params, setParams] = useUrlState();
  const dashboard = meta.dashboards.find((d) => d.key === dashboardKey);
  const title = dashboard ? label(dashboard.label, locale, dashboard.key) : '';
  useDocumentTitle(`${title || dashboardKey} · metacrm`);
  if (!dashboard) return <EmptyState title={t('notFound')} />;
  const created = CREATED_PERIODS.find((p) => p === params.get('created'));
  const filters: DashboardFilters = { mine: params.get('mine') === '1', created };
  // Widgets over entities the viewer may not read are left out (the server answers 403 for them).
  const widgets = dashboard.widgets.filter((w) => meta.entities.some((e) => e.key === w.entity && e.rights.read));
  return (
    <section className="mc-dashboard" aria-labelledby="dashboard-title">
      <header className="mc-page-header">
        <h1 id="dashboard-title">{title}</h1>
        <Space wrap role="group" aria-label={t('filters')}>
          <Segmented
            aria-label={t('owner')}
            value={filters.mine ? 'mine' : 'all'}
            options={[
              { value: 'all', label: t('everyone') },
              { value: 'mine', label: t('mine') },
            ]}
            onChange={(v) => setParams({ mine: v === 'mine' ? '1' : undefined })}
            data-testid="dashboard-mine"
          />
          <Select
            aria-label={t('created')}
            value={created ?? ''}
            style={{ minWidth: 150 }}
            options={[
              { value: '', label: `${t('created')}: ${t('anyTime')}` },
              ...CREATED_PERIODS.map((p) => ({ value: p, label: `${t('created')}: ${t(p)}` })),
            ]}
            onChange={(v: string) => setParams({ created: v || undefined })}
            data-testid="dashboard-created"
          />
        </Space>
      </header>
      <div className="mc-dashboard__grid" data-testid="dashboard-grid">
        {widgets.map((widget) => (
          <DashboardWidget key={widget.key} meta={meta} widget={widget} filters={filters} />
        ))}
      </div>
    </section>
  );
}
