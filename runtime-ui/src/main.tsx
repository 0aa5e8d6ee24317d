import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { AppProviders, I18nProvider, SessionProvider, api, readPreviewRole, registerBuiltInFieldUis } from '@metacrm/ui-kit';
// After the kit's providers, which bring antd's styles first.
import './app/app.css';
import { App } from './app';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

registerBuiltInFieldUis();
// A role preview opened from the designer (issue #17): every API call of this tab carries the role.
api.setPreviewRole(readPreviewRole());

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
