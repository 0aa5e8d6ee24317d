import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { AppProviders, I18nProvider, SessionProvider, registerBuiltInFieldUis } from '@metacrm/ui-kit';
// After the kit's providers, which bring antd's styles first.
import './app/app.css';
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
