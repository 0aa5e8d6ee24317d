import { Skeleton } from 'antd';
import { lazy, Suspense } from 'react';
import { APP_HOME, Link, NotFound, Shell, SignedIn, useLocationPath, useT } from '@metacrm/ui-kit';
import { href } from './common/href';
import { designerMessages } from './designer.messages';
import { HomePage } from './home/home-page';

// Pages load on demand: the home is light, the entity designer carries RJSF and dnd-kit.
const EntityDesigner = lazy(async () => ({ default: (await import('./entity/entity-designer')).EntityDesigner }));
const PublishPage = lazy(async () => ({ default: (await import('./publish/publish-page')).PublishPage }));
const WorkflowDesigner = lazy(async () => ({ default: (await import('./workflow/workflow-designer')).WorkflowDesigner }));
const VersionsPage = lazy(async () => ({ default: (await import('./versions/versions-page')).VersionsPage }));
const ViewListPage = lazy(async () => ({ default: (await import('./views/view-list-page')).ViewListPage }));
const ViewDesigner = lazy(async () => ({ default: (await import('./views/view-designer')).ViewDesigner }));
const RoleDesigner = lazy(async () => ({ default: (await import('./roles/role-designer')).RoleDesigner }));
const FormDesigner = lazy(async () => ({ default: (await import('./form/form-designer')).FormDesigner }));

/** The designer's pages by path (below `/designer/`). */
export function App() {
  return (
    <Shell app="designer">
      <SignedIn>
        <Routes />
      </SignedIn>
    </Shell>
  );
}

function Routes() {
  const path = useLocationPath(import.meta.env.BASE_URL);
  const entity = /^\/entities\/([a-z][a-z0-9_]*)$/.exec(path);
  const workflow = /^\/workflows\/([a-z][a-z0-9_]*)(\/runs)?$/.exec(path);
  let page;
  let views: RegExpExecArray | null;
  if (path === '/') page = <HomePage />;
  else if (entity) page = <EntityDesigner key={entity[1]} entityKey={entity[1]!} />;
  else if (formPath(path)) page = <FormDesigner key={path} entityKey={formPath(path)![1]!} formKey={formPath(path)![2]!} />;
  else if (workflow) page = <WorkflowDesigner key={path} workflowKey={workflow[1]!} tab={workflow[2] ? 'runs' : 'design'} />;
  else if (path === '/publish') page = <PublishPage />;
  else if (path === '/versions') page = <VersionsPage />;
  else if ((views = /^\/entities\/([a-z][a-z0-9_]*)\/views(?:\/([a-z][a-z0-9_]*))?$/.exec(path)))
    page = views[2] ? <ViewDesigner key={views[2]} entityKey={views[1]!} viewKey={views[2]} /> : <ViewListPage entityKey={views[1]!} />;
  else if (/^\/roles\/[a-z][a-z0-9_]*$/.test(path)) page = <RoleDesigner key={path} roleKey={path.slice('/roles/'.length)} />;
  else return <NotFound path={window.location.pathname} homeHref={APP_HOME.designer} />;
  return (
    <>
      <DesignerNav path={path} />
      <Suspense fallback={<Skeleton active />}>{page}</Suspense>
    </>
  );
}

function DesignerNav({ path }: { path: string }) {
  const t = useT(designerMessages);
  const items = [
    {
      to: '/',
      label: t('nav.home'),
      current: path === '/' || path.startsWith('/entities/') || path.startsWith('/roles/') || path.startsWith('/workflows/'),
    },
    { to: '/publish', label: t('nav.publish'), current: path === '/publish' },
    { to: '/versions', label: t('nav.versions'), current: path === '/versions' },
  ];
  return (
    <nav className="dz-nav" aria-label={t('nav.label')} data-testid="designer-nav">
      {items.map((item) => (
        <Link key={item.to} href={href(item.to)} className="dz-nav__link" aria-current={item.current ? 'page' : undefined}>
          {item.label}
        </Link>
      ))}
    </nav>
  );
}

/** `/entities/<entity>/forms/<form>`: the form layout designer. */
const formPath = (path: string) => /^\/entities\/([a-z][a-z0-9_]*)\/forms\/([a-z][a-z0-9_]*)$/.exec(path);
