import type { View } from '@metacrm/metadata';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Alert, Card, Tag, Typography } from 'antd';
import { CheckCircleOutlined, WarningOutlined } from '@ant-design/icons';
import { useEffect, useState } from 'react';
import { ErrorState, toApiError, useT } from '@metacrm/ui-kit';
import { metaApi, type ViewPlan } from '../api/meta-api';
import { viewMessages, type ViewMessageKey } from './views.messages';

const SETTLE_MS = 400;

/**
 * The index the view will get and what of its query that index cannot serve, as the
 * server works it out (POST /api/meta/views/plan, the code publish creates indexes with),
 * asked again once the admin pauses editing.
 */
export function IndexHint({ view }: { view: View }) {
  const t = useT(viewMessages);
  const settled = useSettled(view);
  const plan = useQuery({
    queryKey: ['view-plan', settled],
    queryFn: ({ signal }) => metaApi.viewPlan(settled, signal),
    placeholderData: keepPreviousData,
    retry: false,
  });
  return (
    <Card
      size="small"
      title={<h3 className="dz-card-title">{t('index.title')}</h3>}
      className="dz-index-hint"
      data-testid="index-hint"
      aria-busy={plan.isFetching}
    >
      {plan.error && !plan.data && <ErrorState compact title={t('index.failed')} error={toApiError(plan.error)} />}
      {!plan.data && !plan.error && <Typography.Text type="secondary">{t('index.loading')}</Typography.Text>}
      {plan.data && <PlanText plan={plan.data} self={view.key} stale={plan.isPlaceholderData || !!plan.error} />}
    </Card>
  );
}

function PlanText({ plan, self, stale }: { plan: ViewPlan; self: string; stale: boolean }) {
  const t = useT(viewMessages);
  const { index } = plan;
  const others = index?.views.filter((v) => v !== self) ?? [];
  const headline = !index
    ? t('index.none')
    : index.source === 'declared'
      ? t('index.declared', { name: index.name })
      : t(plan.exists ? 'index.exists' : 'index.created', { name: index.name });
  return (
    <div className={stale ? 'dz-stale' : undefined} data-testid="index-plan" data-usable={String(plan.usable)}>
      <Typography.Paragraph className="dz-index-hint__headline">{headline}</Typography.Paragraph>
      {index && (
        <ol className="dz-index-hint__fields" aria-label={index.name}>
          {index.fields.map((f) => (
            <li key={f.field}>
              <Tag className="dz-mono">
                {f.field} {f.direction === 'asc' ? '↑' : '↓'}
              </Tag>
            </li>
          ))}
        </ol>
      )}
      {others.length > 0 && <Typography.Paragraph type="secondary">{t('index.shared', { views: others.join(', ') })}</Typography.Paragraph>}
      {plan.usable ? (
        <Typography.Text className="dz-ok">
          <CheckCircleOutlined /> {t('index.good')}
        </Typography.Text>
      ) : (
        <Alert
          type="warning"
          showIcon
          icon={<WarningOutlined />}
          data-testid="index-warning"
          message={t('index.warning')}
          description={
            <ul className="dz-index-hint__reasons">
              {plan.reasons.map((r, i) => (
                <li key={i}>{t(`index.${r.code}` as ViewMessageKey, { field: r.field ?? '', op: r.op ?? '' })}</li>
              ))}
            </ul>
          }
        />
      )}
    </div>
  );
}

/** The value once it has stayed the same for a moment, so typing asks the server once. */
function useSettled<T>(value: T): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), SETTLE_MS);
    return () => clearTimeout(timer);
  }, [value]);
  return settled;
}
