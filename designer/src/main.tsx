import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { I18nProvider, SessionProvider } from '@metacrm/ui-kit';
import { App } from './app';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

createRoot(root).render(
  <StrictMode>
    <I18nProvider>
      <SessionProvider>
        <App />
      </SessionProvider>
    </I18nProvider>
  </StrictMode>,
);
