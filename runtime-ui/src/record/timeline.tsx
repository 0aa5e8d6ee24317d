import type { Entity } from '@metacrm/metadata';
import { useQuery } from '@tanstack/react-query';
import { Empty, Skeleton, Timeline as AntTimeline } from 'antd';
import { api, ErrorState, formatDateTime, toApiError, useLocale, useT, fieldUi, label } from '@metacrm/ui-kit';
import { recordMessages } from './record.messages';

interface HistoryEntry {
  version: number;
  op: string;
  at: string;
  actor: { name?: string; id?: string } | string | null;
  field: string;
  from: unknown;
  to: unknown;
}

/** The record's field history, newest first: who changed which field, from what to what. */
export function Timeline({ entity, id }: { entity: Entity; id: string }) {
  const t = useT(recordMessages);
  const { locale } = useLocale();
  const history = useQuery({
    queryKey: ['history', entity.key, id],
    queryFn: async ({ signal }) =>
      await api.get<{ entries: HistoryEntry[] }>(`/api/records/${encodeURIComponent(entity.key)}/${encodeURIComponent(id)}/history`, {
        signal,
      }),
  });
  if (history.error) {
    const error = toApiError(history.error);
    return <ErrorState title={t('loadFailed')} error={error} onRetry={() => void history.refetch()} />;
  }
  if (!history.data) return <Skeleton active />;
  const entries = [...history.data.entries].reverse();
  if (entries.length === 0) return <Empty description={t('noHistory')} />;
  return (
    <AntTimeline
      data-testid="timeline"
      items={entries.map((entry, i) => {
        const field = entity.fields.find((f) => f.key === entry.field);
        const who =
          typeof entry.actor === 'object' && entry.actor !== null ? (entry.actor.name ?? entry.actor.id ?? '') : String(entry.actor ?? '');
        const show = (value: unknown) => {
          if (!field) return String(value ?? '');
          const { Cell } = fieldUi(field);
          return <Cell field={field} value={value} record={{ id, _version: entry.version }} locale={locale} />;
        };
        return {
          key: `${entry.version}-${entry.field}-${i}`,
          children: (
            <div>
              <div>{t('changed', { who, field: field ? label(field.label, locale, field.key) : entry.field })}</div>
              <div className="mc-muted">
                {t('from')} {show(entry.from)} {t('to')} {show(entry.to)} · {formatDateTime(new Date(entry.at), locale)}
              </div>
            </div>
          ),
        };
      })}
    />
  );
}
