import { APP_HOME, NotFound, Shell, SignedIn, useLocationPath } from '@metacrm/ui-kit';
import { HomePage } from './pages/home-page';

/** The designer's pages by path (below `/designer/`). */
export function App() {
  const path = useLocationPath(import.meta.env.BASE_URL);
  return (
    <Shell app="designer">
      <SignedIn>{path === '/' ? <HomePage /> : <NotFound path={window.location.pathname} homeHref={APP_HOME.designer} />}</SignedIn>
    </Shell>
  );
}
