import {
  ErrorState,
  formatCount,
  formatDateTime,
  formatDuration,
  formatTime,
  HealthBadge,
  kitMessages,
  LoadingRegion,
  queueDepth,
  QueueBars,
  SkeletonCard,
  STATUS_REFRESH_MS,
  useDocumentTitle,
  useLocale,
  useSystemStatus,
  useT,
  type DependencyHealth,
  type SystemStatus,
} from '@metacrm/ui-kit';
import { runtimeMessages } from '../runtime.messages';
import './status-page.css';

/**
 * The runtime UI's home for now: what an operator checks first. It polls
 * GET /api/system/status; a failed poll keeps the last good numbers on screen, marked
 * with their time, under the error.
 */
export function StatusPage() {
  const t = useT(runtimeMessages);
  const tk = useT(kitMessages);
  const { locale } = useLocale();
  const { data, error, updatedAt, loading, refresh } = useSystemStatus();
  useDocumentTitle(`${t('status.title')} · metacrm`);

  return (
    <section className="mc-page" aria-labelledby="status-title" data-testid="status-page">
      <header className="mc-page__header">
        <div>
          <h1 className="mc-page__title" id="status-title">
            {t('status.title')}
          </h1>
          <p className="mc-page__subtitle">{t('status.subtitle')}</p>
        </div>
        {updatedAt && (
          <p className={`rt-live${error ? ' rt-live--stale' : ''}`} data-testid="updated-at">
            <span className="rt-live__dot" aria-hidden="true" />
            {error
              ? t('status.stale', { time: formatTime(updatedAt, locale) })
              : `${tk('status.updatedAt', { time: formatTime(updatedAt, locale) })} · ${t('status.refreshEvery', { seconds: STATUS_REFRESH_MS / 1000 })}`}
          </p>
        )}
      </header>

      {error && <ErrorState title={tk('status.loadFailed')} error={error} onRetry={refresh} compact={data !== undefined} />}
      {loading && (
        <LoadingRegion className="rt-status-grid">
          <SkeletonCard lines={2} className="rt-status-grid__wide" />
          <SkeletonCard lines={2} />
          <SkeletonCard lines={2} />
          <SkeletonCard lines={4} className="rt-status-grid__wide" />
        </LoadingRegion>
      )}
      {data && <StatusGrid status={data} />}
    </section>
  );
}

function StatusGrid({ status }: { status: SystemStatus }) {
  const t = useT(runtimeMessages);
  const tk = useT(kitMessages);
  const { locale } = useLocale();
  const totalQueued = Object.values(status.queues).reduce((sum, counts) => sum + queueDepth(counts), 0);
  return (
    <div className="rt-status-grid">
      <article className="mc-card rt-status-grid__wide" data-testid="api-card">
        <h2 className="mc-card__title rt-card-title">{t('status.api')}</h2>
        <dl className="mc-stats">
          <div className="mc-stat">
            <dt>{tk('status.version')}</dt>
            <dd className="mc-stat__value" data-testid="version">
              {status.version}
            </dd>
          </div>
          <div className="mc-stat">
            <dt>{t('status.uptime')}</dt>
            <dd className="mc-stat__value" data-testid="uptime">
              {formatDuration(status.uptimeSeconds, locale)}
            </dd>
          </div>
          <div className="mc-stat">
            <dt>{t('status.role')}</dt>
            <dd className="mc-stat__value mc-stat__value--text">
              <code className="mc-code">{status.role}</code>
            </dd>
          </div>
          <div className="mc-stat">
            <dt>{t('status.startedAt')}</dt>
            <dd className="mc-stat__value mc-stat__value--text">{formatDateTime(new Date(status.startedAt), locale)}</dd>
          </div>
        </dl>
      </article>
      <DependencyCard title={tk('status.database')} health={status.database} testId="database" />
      <DependencyCard title={tk('status.redis')} health={status.redis} testId="redis" />
      <article className="mc-card rt-status-grid__wide" data-testid="queues-card">
        <header className="mc-card__header">
          <h2 className="mc-card__title">{t('status.queues')}</h2>
          <span className="mc-card__meta">{tk('queues.depth', { count: formatCount(totalQueued, locale) })}</span>
        </header>
        <p className="rt-note rt-note--spaced">{t('status.queuesNote')}</p>
        <QueueBars queues={status.queues} />
      </article>
    </div>
  );
}

function DependencyCard({ title, health, testId }: { title: string; health: DependencyHealth; testId: string }) {
  const t = useT(runtimeMessages);
  const { locale } = useLocale();
  return (
    <article className="mc-card rt-dependency" data-testid={`${testId}-card`}>
      <header className="rt-dependency__header">
        <h2 className="mc-card__title">{title}</h2>
        <HealthBadge health={health} testId={`${testId}-health`} />
      </header>
      {!health.ok && health.error && <p className="rt-dependency__error">{health.error}</p>}
      <p className="rt-note">
        {health.since ? t('status.since', { time: formatDateTime(new Date(health.since), locale) }) : t('status.pingNote')}
      </p>
    </article>
  );
}
