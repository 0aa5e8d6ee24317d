import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { AppProviders } from './app/providers';
import { registerBuiltInFieldUis } from './fields/builtin';
import { I18nProvider, SessionProvider } from '@metacrm/ui-kit';
import { App } from './app';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

registerBuiltInFieldUis();

createRoot(root).render(
  <StrictMode>
    <I18nProvider>
      <SessionProvider>
        <AppProviders>
          <App />
        </AppProviders>
      </SessionProvider>
    </I18nProvider>
  </StrictMode>,
);
