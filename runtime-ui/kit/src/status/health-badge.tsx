import type { DependencyHealth } from '../api/system-status';
import { formatLatency } from '../i18n/format';
import { useLocale, useT } from '../i18n/i18n';
import { kitMessages } from '../kit.messages';
import './status.css';

/** Green "Healthy · 1.2 ms" or red "Unavailable" for one dependency. */
export function HealthBadge({ health, testId }: { health: DependencyHealth; testId?: string }) {
  const t = useT(kitMessages);
  const { locale } = useLocale();
  const state = health.ok ? 'ok' : 'down';
  return (
    <span className={`mc-badge mc-badge--${state}`} data-state={state} data-testid={testId}>
      <span className="mc-badge__dot" aria-hidden="true" />
      {health.ok ? t('health.healthy') : t('health.unavailable')}
      {health.ok && health.latencyMs !== undefined && <span className="mc-badge__extra">{formatLatency(health.latencyMs, locale)}</span>}
    </span>
  );
}
