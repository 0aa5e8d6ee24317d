import { APP_HOME, NotFound, Shell, SignedIn, useLocationPath } from './kit';
import { StatusPage } from './pages/status-page';

/** The runtime UI's pages by path (below the app's base). */
export function App() {
  const path = useLocationPath(import.meta.env.BASE_URL);
  return (
    <Shell app="runtime">
      <SignedIn>{path === '/' ? <StatusPage /> : <NotFound path={window.location.pathname} homeHref={APP_HOME.runtime} />}</SignedIn>
    </Shell>
  );
}
