import { queueDepth, type QueueCounts } from '../api/system-status';
import { formatCount } from '../i18n/format';
import { useLocale, useT, type Translate } from '../i18n/i18n';
import { kitMessages, type KitMessageKey } from '../kit.messages';
import './status.css';

/** The states that make up a queue's depth, in bar order. */
const DEPTH_STATES = ['active', 'waiting', 'delayed'] as const;
/** Shown as counts beside the bar; finished jobs are not depth. */
const COUNT_STATES = [...DEPTH_STATES, 'failed', 'completed'] as const;

const QUEUE_LABELS: Record<string, KitMessageKey> = {
  events: 'queue.events',
  workflows: 'queue.workflows',
  jobs: 'queue.jobs',
};

/**
 * Queue depths as horizontal stacked bars on one shared scale, so the queues compare
 * at a glance; the exact counts per state sit under each bar and double as its legend.
 */
export function QueueBars({ queues }: { queues: Record<string, QueueCounts> }) {
  const t = useT(kitMessages);
  const { locale } = useLocale();
  const entries = Object.entries(queues);
  const scale = niceCeiling(Math.max(0, ...entries.map(([, counts]) => queueDepth(counts))));
  return (
    <div className="mc-queues">
      <ul className="mc-queues__list">
        {entries.map(([name, counts]) => {
          const label = queueLabel(name, t);
          const depth = formatCount(queueDepth(counts), locale);
          return (
            <li key={name} className="mc-queue" data-testid={`queue-${name}`}>
              <div className="mc-queue__head">
                <span className="mc-queue__name">
                  <span data-testid="queue-label">{label}</span>
                  {label !== name && <code className="mc-queue__id">{name}</code>}
                </span>
                <span className="mc-queue__depth">{t('queues.depth', { count: depth })}</span>
              </div>
              <div className="mc-queue__track" role="img" aria-label={`${label}: ${t('queues.depth', { count: depth })}`}>
                {DEPTH_STATES.map((state) =>
                  counts[state] > 0 ? (
                    <span
                      key={state}
                      className={`mc-queue__segment mc-queue__segment--${state}`}
                      style={{ width: `${(counts[state] / scale) * 100}%` }}
                    />
                  ) : null,
                )}
              </div>
              <ul className="mc-queue__counts">
                {COUNT_STATES.map((state) => (
                  <li key={state} className={`mc-queue__count mc-queue__count--${state}`} data-state={state}>
                    <span className="mc-queue__swatch" aria-hidden="true" />
                    {t(`queueState.${state}`)} <strong>{formatCount(counts[state], locale)}</strong>
                  </li>
                ))}
              </ul>
            </li>
          );
        })}
      </ul>
      <p className="mc-queues__scale">{t('queues.scale', { max: formatCount(scale, locale) })}</p>
    </div>
  );
}

function queueLabel(name: string, t: Translate<KitMessageKey>): string {
  const key = QUEUE_LABELS[name];
  return key ? t(key) : name;
}

/**
 * The bar scale: the deepest queue rounded up to 1, 2 or 5 × 10ⁿ, and at least 10, so a
 * single waiting job does not fill a whole bar.
 */
export function niceCeiling(value: number): number {
  const target = Math.max(10, value);
  const magnitude = 10 ** Math.floor(Math.log10(target));
  const step = [1, 2, 5, 10].find((m) => m * magnitude >= target) ?? 10;
  return step * magnitude;
}
