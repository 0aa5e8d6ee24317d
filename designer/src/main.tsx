import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { I18nProvider, SessionProvider } from '@metacrm/ui-kit';
import { AppProviders } from '@metacrm/ui-kit';
import { App } from './app';
import './designer.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

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
