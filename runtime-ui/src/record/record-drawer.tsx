import { useQueryClient } from '@tanstack/react-query';
import { App, Drawer, Grid, Skeleton, Tabs } from 'antd';
import { useCallback, useState } from 'react';
import {
  api,
  ErrorState,
  toApiError,
  useLocale,
  useT,
  type ApiRecord,
  RecordForm,
  fallbackForm,
  formOf,
  label,
  type RuntimeMeta,
} from '@metacrm/ui-kit';
import { RecordHeader } from './record-header';
import { attachmentCount, attachmentFields, RecordAttachments } from './record-attachments';
import { recordMessages } from './record.messages';
import { RelatedLists } from './related-lists';
import { StagePath, type RefusedMove } from './stage-path';
import { Timeline } from './timeline';
import { recordKey, useRecord, useSaveRecord } from './use-record';
import { type UserEntity } from '@metacrm/metadata';

export interface RecordDrawerProps {
  meta: RuntimeMeta;
  entity: UserEntity;
  /** The record shown; absent to create one. */
  id?: string | undefined;
  initial?: Record<string, unknown>;
  onClose: () => void;
  onCreated?: (id: string) => void;
}

/**
 * A record beside its list (the list keeps its place, page and selection): a header
 * with the record's name, then details laid out by the form, related lists and the
 * timeline. Esc closes it; a full-screen sheet at phone width.
 */
export function RecordDrawer({ meta, entity, id, initial, onClose, onCreated }: RecordDrawerProps) {
  const t = useT(recordMessages);
  const { locale } = useLocale();
  const { message } = App.useApp();
  const narrow = Grid.useBreakpoint().md === false;
  const client = useQueryClient();
  const record = useRecord(entity.key, id);
  const save = useSaveRecord(entity.key);
  // A stage move the server refused for missing fields: the details form opens with the stage set and those fields marked.
  const [refused, setRefused] = useState<RefusedMove & { n: number }>();
  const [tab, setTab] = useState('details');
  const form = formOf(meta, entity.key) ?? fallbackForm(entity);
  // The server filtered the fields by the user's roles; a field they may not write is shown disabled.
  const mayWrite = id === undefined ? entity.rights.create : entity.rights.update;
  const writable = useCallback(
    (field: { key: string }) => mayWrite && entity.fields.find((f) => f.key === field.key)?.access.write === true,
    [entity, mayWrite],
  );
  const reload = useCallback(async () => {
    const fresh = await api.get<ApiRecord>(`/api/records/${encodeURIComponent(entity.key)}/${encodeURIComponent(id!)}`);
    client.setQueryData(recordKey(entity.key, fresh.id), fresh);
    return fresh;
  }, [client, entity.key, id]);

  const name = id === undefined ? t('newTitle', { entity: label(entity.label, locale, entity.key) }) : displayName(entity, record.data);
  const error = record.error ? toApiError(record.error) : undefined;
  const body =
    id !== undefined && !record.data ? (
      error ? (
        <ErrorState title={error.status === 404 ? t('notFound') : t('loadFailed')} error={error} onRetry={() => void record.refetch()} />
      ) : (
        <Skeleton active paragraph={{ rows: 8 }} />
      )
    ) : (
      <RecordForm
        key={`${id ?? 'new'}:${refused?.n ?? 0}`}
        {...(refused ? { pending: refused } : {})}
        entity={entity}
        form={form}
        {...(record.data ? { record: record.data } : {})}
        {...(initial ? { initial } : {})}
        writable={writable}
        save={(values, version) => save(id, values, version)}
        {...(id === undefined ? {} : { reload })}
        onSaved={(saved) => {
          void message.success(id === undefined ? t('created') : t('saved'));
          if (id === undefined) onCreated?.(saved.id);
          setRefused(undefined);
        }}
      />
    );
  return (
    <Drawer
      open
      title={<span data-testid="record-title">{name}</span>}
      size={narrow ? '100%' : 760}
      onClose={onClose}
      keyboard
      destroyOnHidden
      closable={{ 'aria-label': t('close') }}
      data-testid="record-drawer"
    >
      {id !== undefined && record.data && (
        <StagePath
          entity={entity}
          record={record.data}
          editable={entity.rights.update}
          move={(values, version) => save(id, values, version)}
          onRefused={(move) => {
            setRefused({ ...move, n: (refused?.n ?? 0) + 1 });
            setTab('details');
          }}
        />
      )}
      {id !== undefined && record.data && <RecordHeader meta={meta} entity={entity} record={record.data} />}
      {id === undefined ? (
        body
      ) : (
        <Tabs
          activeKey={tab}
          onChange={setTab}
          items={[
            { key: 'details', label: t('details'), children: body },
            {
              key: 'related',
              label: t('related'),
              children: (
                <RelatedLists
                  meta={meta}
                  entity={entity}
                  id={id}
                  create={(child, init, done) => (
                    <RecordDrawer meta={meta} entity={child} initial={init} onClose={() => done(false)} onCreated={() => done(true)} />
                  )}
                />
              ),
            },
            { key: 'timeline', label: t('timeline'), children: <Timeline entity={entity} id={id} /> },
            ...(attachmentFields(entity).length > 0 && record.data
              ? [
                  {
                    key: 'attachments',
                    label: t('attachments', { n: attachmentCount(entity, record.data) }),
                    children: <RecordAttachments entity={entity} record={record.data} />,
                  },
                ]
              : []),
          ]}
        />
      )}
    </Drawer>
  );
}

/** The record's display field, as its title. */
export function displayName(entity: Pick<UserEntity, 'displayField'>, record: ApiRecord | undefined): string {
  const value = record?.[entity.displayField];
  return value === undefined || value === null ? (record?.id ?? '') : String(value);
}
