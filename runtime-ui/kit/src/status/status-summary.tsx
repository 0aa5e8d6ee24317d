import type { PollState } from '../api/polling';
import { queueDepth, type SystemStatus } from '../api/system-status';
import { formatCount, formatTime } from '../i18n/format';
import { useLocale, useT } from '../i18n/i18n';
import { kitMessages } from '../kit.messages';
import { ErrorState } from '../states/error-state';
import { Skeleton } from '../states/skeleton';
import { HealthBadge } from './health-badge';
import './status.css';

export interface StatusSummaryProps {
  status: PollState<SystemStatus>;
  /** Where the full status page lives, if this is not it. */
  detailsHref?: string;
}

/** One card with the platform's vital signs: version, database, Redis, queued jobs. */
export function StatusSummary({ status, detailsHref }: StatusSummaryProps) {
  const t = useT(kitMessages);
  const { locale } = useLocale();
  const { data, error, updatedAt, refresh } = status;
  return (
    <section className="mc-card mc-summary" aria-labelledby="mc-summary-title" data-testid="status-summary">
      <header className="mc-card__header">
        <h2 className="mc-card__title" id="mc-summary-title">
          {t('summary.title')}
        </h2>
        <span className="mc-card__meta">
          {updatedAt && t('status.updatedAt', { time: formatTime(updatedAt, locale) })}
          {detailsHref && (
            <a className="mc-link" href={detailsHref}>
              {t('summary.details')}
            </a>
          )}
        </span>
      </header>
      {error && <ErrorState compact title={t('status.loadFailed')} error={error} onRetry={refresh} />}
      {data ? (
        <dl className="mc-stats">
          <div className="mc-stat">
            <dt>{t('status.version')}</dt>
            <dd className="mc-stat__value">{data.version}</dd>
          </div>
          <div className="mc-stat">
            <dt>{t('status.database')}</dt>
            <dd>
              <HealthBadge health={data.database} testId="database-health" />
            </dd>
          </div>
          <div className="mc-stat">
            <dt>{t('status.redis')}</dt>
            <dd>
              <HealthBadge health={data.redis} testId="redis-health" />
            </dd>
          </div>
          <div className="mc-stat">
            <dt>{t('summary.queued')}</dt>
            <dd className="mc-stat__value">
              {formatCount(
                Object.values(data.queues).reduce((sum, counts) => sum + queueDepth(counts), 0),
                locale,
              )}
            </dd>
          </div>
        </dl>
      ) : (
        !error && (
          <div className="mc-stats" aria-busy="true" data-testid="loading">
            {[0, 1, 2, 3].map((i) => (
              <div key={i} className="mc-stat">
                <Skeleton width="60%" height="0.8rem" />
                <Skeleton width="80%" height="1.4rem" />
              </div>
            ))}
          </div>
        )
      )}
    </section>
  );
}
