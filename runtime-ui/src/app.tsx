import { Skeleton } from 'antd';
import { lazy, Suspense } from 'react';
import { AppFrame } from './app/app-frame';
import { appMessages } from './app/app.messages';
import {
  APP_HOME,
  EmptyState,
  ErrorState,
  NotFound,
  Shell,
  SignedIn,
  toApiError,
  useLocationPath,
  useT,
  entityOf,
  useMeta,
} from '@metacrm/ui-kit';
import { StatusPage } from './pages/status-page';

// Pages load on demand, so the first load carries only the frame (code split per route).
const ListPage = lazy(async () => ({ default: (await import('./list/list-page')).ListPage }));
const DashboardPage = lazy(async () => ({ default: (await import('./dashboard/dashboard-page')).DashboardPage }));
const ImportPage = lazy(async () => ({ default: (await import('./import/import-page')).ImportPage }));
const ApprovalsPage = lazy(async () => ({ default: (await import('./inbox/approvals-page')).ApprovalsPage }));

/** The runtime UI's pages by path (below the app's base). */
export function App() {
  return (
    <Shell app="runtime">
      <SignedIn>
        <Routes />
      </SignedIn>
    </Shell>
  );
}

function Routes() {
  const t = useT(appMessages);
  const path = useLocationPath(import.meta.env.BASE_URL);
  const meta = useMeta();
  const entityMatch = /^\/e\/([a-z][a-z0-9_]*)(?:\/([0-9a-f]{24}))?$/.exec(path);
  const dashboardMatch = /^\/d\/([a-z][a-z0-9_]*)$/.exec(path);
  const importMatch = /^\/e\/([a-z][a-z0-9_]*)\/import$/.exec(path);
  let page;
  if (path === '/') page = <StatusPage />;
  else if (path === '/approvals') page = <ApprovalsPage />;
  else if ((entityMatch || dashboardMatch || importMatch) && meta.error)
    page = <ErrorState title={t('metaFailed')} error={toApiError(meta.error)} onRetry={() => void meta.refetch()} />;
  else if ((entityMatch || dashboardMatch || importMatch) && !meta.data) page = <Skeleton active />;
  else if (importMatch && meta.data) {
    const entity = entityOf(meta.data, importMatch[1]!);
    page = entity ? <ImportPage entity={entity} /> : <EmptyState title={t('noEntities')} description={t('noEntitiesHint')} />;
  } else if (dashboardMatch && meta.data) page = <DashboardPage meta={meta.data} dashboardKey={dashboardMatch[1]!} />;
  else if (entityMatch && meta.data) {
    const entity = entityOf(meta.data, entityMatch[1]!);
    page = entity ? (
      <ListPage meta={meta.data} entity={entity} recordId={entityMatch[2]} />
    ) : (
      <EmptyState title={t('noEntities')} description={t('noEntitiesHint')} />
    );
  } else page = <NotFound path={window.location.pathname} homeHref={APP_HOME.runtime} />;
  return (
    <AppFrame meta={meta.data} path={path}>
      <Suspense fallback={<Skeleton active />}>{page}</Suspense>
    </AppFrame>
  );
}
