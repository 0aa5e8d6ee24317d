import { EmptyState, FileLink, fieldTypes, label, useLocale, useT, type ApiRecord, type StoredFile } from '@metacrm/ui-kit';
import type { UserEntity } from '@metacrm/metadata';
import { recordMessages } from './record.messages';

/** The entity's fields whose values are files, as the user may read them. */
export function attachmentFields(entity: UserEntity): UserEntity['fields'] {
  return entity.fields.filter((f) => fieldTypes.get(f.type)?.value === 'files');
}

/** How many files the record's attachment fields hold. */
export function attachmentCount(entity: UserEntity, record: ApiRecord | undefined): number {
  return attachmentFields(entity).reduce((n, f) => n + (Array.isArray(record?.[f.key]) ? (record[f.key] as unknown[]).length : 0), 0);
}

/**
 * The record page's Attachments tab: every attachment field's files, each a download
 * (the server answers it as one). Uploading and removing happen in the details form,
 * whose save attaches and lets go of files through the record pipeline.
 */
export function RecordAttachments({ entity, record }: { entity: UserEntity; record: ApiRecord }) {
  const t = useT(recordMessages);
  const { locale } = useLocale();
  const fields = attachmentFields(entity);
  if (attachmentCount(entity, record) === 0) return <EmptyState title={t('noAttachments')} />;
  return (
    <div className="mc-record-attachments" data-testid="record-attachments">
      {fields.map((f) => {
        const list = Array.isArray(record[f.key]) ? (record[f.key] as StoredFile[]) : [];
        if (list.length === 0) return null;
        return (
          <section key={f.key} aria-labelledby={`attachments-${f.key}`}>
            <h3 id={`attachments-${f.key}`} className="mc-record-attachments-title">
              {label(f.label, locale, f.key)}
            </h3>
            <ul className="mc-files">
              {list.map((file) => (
                <li key={file.id}>
                  <FileLink file={file} />
                </li>
              ))}
            </ul>
          </section>
        );
      })}
    </div>
  );
}
