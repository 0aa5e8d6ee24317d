import type { View } from '@metacrm/metadata';
import { Button, Skeleton, Table, Tag } from 'antd';
import { useState } from 'react';
import { EmptyState, ErrorState, Link, toApiError, useDocumentTitle, useLocale, useT } from '@metacrm/ui-kit';
import { useDraft, useDraftChanges } from '../api/queries';
import { href } from '../common/href';
import { labelOf } from '../common/labels';
import { DraftMarker } from '../common/marker';
import { NewViewDialog } from './new-view-dialog';
import { viewMessages } from './views.messages';

/** The draft views of one entity at `/designer/entities/<key>/views`, with draft markers and "New view". */
export function ViewListPage({ entityKey }: { entityKey: string }) {
  const t = useT(viewMessages);
  const { locale } = useLocale();
  const draft = useDraft();
  const changes = useDraftChanges();
  const [creating, setCreating] = useState(false);
  const entity = draft.data?.bundle.entities.find((e) => e.key === entityKey);
  const entityName = entity ? labelOf(entity.label, locale, entity.key) : entityKey;
  useDocumentTitle(t('list.title', { entity: entityName }));
  if (draft.error) return <ErrorState title={t('loadFailed')} error={toApiError(draft.error)} onRetry={() => void draft.refetch()} />;
  if (!draft.data) return <Skeleton active />;
  if (!entity) return <EmptyState title={t('noEntity', { key: entityKey })} />;
  const views = draft.data.bundle.views.filter((v) => v.entity === entityKey);
  return (
    <section className="mc-page" aria-labelledby="views-title" data-testid="view-list">
      <header className="mc-page__header dz-workbench__header">
        <div>
          <Link href={href(`/entities/${entityKey}`)} className="dz-back">
            ← {t('list.back', { entity: entityName })}
          </Link>
          <h1 className="mc-page__title" id="views-title">
            {t('list.title', { entity: entityName })}
          </h1>
          <p className="mc-page__subtitle">{t('list.subtitle')}</p>
        </div>
        <Button type="primary" onClick={() => setCreating(true)} data-testid="new-view">
          {t('list.new')}
        </Button>
      </header>
      <Table<View>
        size="small"
        rowKey="key"
        dataSource={views}
        pagination={false}
        locale={{ emptyText: t('list.empty') }}
        columns={[
          {
            title: t('settings.title'),
            key: 'name',
            render: (_, v) => <Link href={href(`/entities/${entityKey}/views/${v.key}`)}>{labelOf(v.label, locale, v.key)}</Link>,
          },
          { title: t('new.key'), dataIndex: 'key', render: (key: string) => <code className="mc-code">{key}</code> },
          {
            title: t('list.type'),
            key: 'type',
            render: (_, v) => (
              <>
                {t(`type.${v.type}`)}
                {v.default && <Tag className="dz-tag-strong dz-marker">{t('list.default')}</Tag>}
              </>
            ),
          },
          { title: '', key: 'state', render: (_, v) => <DraftMarker change={changes?.marker('views', v.key)} /> },
        ]}
      />
      {creating && (
        <NewViewDialog entity={entity} taken={new Set(draft.data.bundle.views.map((v) => v.key))} onClose={() => setCreating(false)} />
      )}
    </section>
  );
}
