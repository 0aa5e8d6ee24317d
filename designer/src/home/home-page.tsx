import { Skeleton } from 'antd';
import { useState } from 'react';
import { APP_HOME, ErrorState, StatusSummary, toApiError, useDocumentTitle, useSystemStatus, useT } from '@metacrm/ui-kit';
import { useDraft, useDraftChanges } from '../api/queries';
import { designerMessages } from '../designer.messages';
import { DraftSummary } from './draft-summary';
import { ItemLists } from './item-lists';
import { NewEntityDialog } from './new-entity-dialog';
import { NewRoleDialog } from '../roles/new-role-dialog';

/**
 * The designer's home: the draft's state (unpublished changes, problems, last publish),
 * then the draft's items by kind, each list searchable, and the platform's vital signs.
 */
export function HomePage() {
  const t = useT(designerMessages);
  const status = useSystemStatus();
  const draft = useDraft();
  const changes = useDraftChanges();
  const [creating, setCreating] = useState(false);
  const [creatingRole, setCreatingRole] = useState(false);
  useDocumentTitle(t('app.title'));
  return (
    <section className="mc-page" aria-labelledby="home-title" data-testid="designer-home">
      <header className="mc-page__header">
        <div>
          <h1 className="mc-page__title" id="home-title">
            {t('home.title')}
          </h1>
          <p className="mc-page__subtitle">{t('home.subtitle')}</p>
        </div>
      </header>
      <DraftSummary />
      {draft.error && <ErrorState title={t('draft.loadFailed')} error={toApiError(draft.error)} onRetry={() => void draft.refetch()} />}
      {!draft.data && !draft.error && <Skeleton active />}
      {draft.data && (
        <>
          <ItemLists
            bundle={draft.data.bundle}
            changes={changes}
            onNewEntity={() => setCreating(true)}
            onNewRole={() => setCreatingRole(true)}
          />
          {creating && <NewEntityDialog open bundle={draft.data.bundle} onClose={() => setCreating(false)} />}
          {creatingRole && <NewRoleDialog bundle={draft.data.bundle} onClose={() => setCreatingRole(false)} />}
        </>
      )}
      <h2 className="mc-section-title">{t('status.title')}</h2>
      <StatusSummary status={status} detailsHref={APP_HOME.runtime} />
    </section>
  );
}
