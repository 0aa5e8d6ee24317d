import { useT } from '../i18n/i18n';
import { kitMessages } from '../kit.messages';
import { Link } from '../router/router';
import { useDocumentTitle } from '../shell/shell';
import { EmptyState } from './empty-state';

/** The page for a path the app does not know, with the way back home. */
export function NotFound({ path, homeHref }: { path: string; homeHref: string }) {
  const t = useT(kitMessages);
  useDocumentTitle(t('notFound.title'));
  return (
    <section className="mc-page" data-testid="not-found">
      <EmptyState
        title={t('notFound.title')}
        description={t('notFound.description', { path })}
        action={
          <Link className="mc-button" href={homeHref}>
            {t('notFound.home')}
          </Link>
        }
      />
    </section>
  );
}
