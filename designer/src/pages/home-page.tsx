import { APP_HOME, EmptyState, StatusSummary, useDocumentTitle, useSystemStatus, useT } from '@metacrm/ui-kit';
import { designerMessages } from '../designer.messages';

/**
 * The designer's home: the platform's vital signs, then the custom modules, of which
 * there are none until the metadata API lands.
 */
export function HomePage() {
  const t = useT(designerMessages);
  const status = useSystemStatus();
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
      <StatusSummary status={status} detailsHref={APP_HOME.runtime} />
      <section className="mc-page" aria-labelledby="modules-title">
        <h2 className="mc-section-title" id="modules-title">
          {t('modules.title')}
        </h2>
        <EmptyState title={t('modules.emptyTitle')} description={t('modules.emptyDescription')} />
      </section>
    </section>
  );
}
