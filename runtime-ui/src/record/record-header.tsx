import type { Field } from '@metacrm/metadata';
import { useLocale, useT, type ApiRecord, fieldUi, label, viewsOf, type RuntimeMeta } from '@metacrm/ui-kit';
import { RecordActions } from './record-actions';
import { recordMessages } from './record.messages';
import { type UserEntity } from '@metacrm/metadata';

/** How many key fields the header shows when the entity names none. */
const FALLBACK_HIGHLIGHTS = 4;

/**
 * The record's key fields: the entity's `highlightFields`, else the first columns of its
 * default list view (its display field left out: it is the title). Only fields the user
 * may read arrive in the metadata, so an unreadable one is simply absent.
 */
export function highlightFields(meta: RuntimeMeta, entity: UserEntity): Field[] {
  const readable = (key: string) => entity.fields.find((f) => f.key === key);
  if (entity.highlightFields && entity.highlightFields.length > 0) return entity.highlightFields.flatMap((key) => readable(key) ?? []);
  const list = viewsOf(meta, entity.key).find((v) => v.type === 'list');
  const columns = list?.type === 'list' ? list.columns.map((c) => c.field) : entity.fields.map((f) => f.key);
  return columns
    .filter((key) => key !== entity.displayField)
    .flatMap((key) => readable(key) ?? [])
    .slice(0, FALLBACK_HIGHLIGHTS);
}

export interface RecordHeaderProps {
  meta: RuntimeMeta;
  entity: UserEntity;
  record: ApiRecord;
}

/** The highlights panel at the top of a record: its key fields and the actions the user may take on it. */
export function RecordHeader({ meta, entity, record }: RecordHeaderProps) {
  const t = useT(recordMessages);
  const { locale } = useLocale();
  const fields = highlightFields(meta, entity);
  return (
    <section className="mc-record-header" aria-label={t('highlights')} data-testid="record-header">
      {fields.length > 0 && (
        <dl className="mc-highlights">
          {fields.map((field) => {
            const { Cell } = fieldUi(field);
            return (
              <div key={field.key} className="mc-highlight" data-testid={`highlight-${field.key}`}>
                <dt>{label(field.label, locale, field.key)}</dt>
                <dd>
                  {record[field.key] === undefined || record[field.key] === null ? (
                    '—'
                  ) : (
                    <Cell field={field} value={record[field.key]} record={record} locale={locale} />
                  )}
                </dd>
              </div>
            );
          })}
        </dl>
      )}
      <RecordActions meta={meta} entity={entity} record={record} />
    </section>
  );
}
