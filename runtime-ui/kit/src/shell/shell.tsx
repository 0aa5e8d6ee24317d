import { useEffect, type ReactNode } from 'react';
import { AccountMenu } from '../auth/account-menu';
import { LanguageSwitcher } from '../i18n/language-switcher';
import { useT } from '../i18n/i18n';
import { kitMessages } from '../kit.messages';
import { Link } from '../router/router';
import { Logo } from './logo';
import '../styles/theme.css';
import './shell.css';

/** The two apps the server hosts, and where (static-apps.ts mounts them there). */
export type AppId = 'runtime' | 'designer';
export const APP_HOME: Record<AppId, string> = { runtime: '/', designer: '/designer/' };

export interface ShellProps {
  /** Which app this is: it names the product in the top bar and links to the other one. */
  app: AppId;
  children: ReactNode;
}

/**
 * The frame of every page: a top bar with the product name, the switch to the other
 * app and the language switcher, then the page in a centred column.
 */
export function Shell({ app, children }: ShellProps) {
  const t = useT(kitMessages);
  const other: AppId = app === 'runtime' ? 'designer' : 'runtime';
  const switchLabel = other === 'designer' ? t('shell.openDesigner') : t('shell.openApp');
  return (
    <div className={`mc-shell mc-shell--${app}`}>
      <a className="mc-skip-link" href="#main">
        {t('shell.skipToContent')}
      </a>
      <header className="mc-topbar">
        <div className="mc-topbar__inner">
          <Link className="mc-brand" href={APP_HOME[app]} data-testid="brand">
            <Logo />
            <span className="mc-brand__name">metacrm</span>
            {app === 'designer' && (
              <>
                {' '}
                <span className="mc-brand__app">{t('shell.designer')}</span>
              </>
            )}
          </Link>
          <nav className="mc-topbar__actions" aria-label={t('shell.toolbar')}>
            <a className="mc-app-switch" href={APP_HOME[other]} title={switchLabel} data-testid="app-switch">
              <SwitchIcon />
              <span className="mc-app-switch__label">{switchLabel}</span>
            </a>
            <LanguageSwitcher />
            <AccountMenu />
          </nav>
        </div>
      </header>
      <main id="main" className="mc-main" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}

/** Sets the tab title while the calling page is shown. */
export function useDocumentTitle(title: string): void {
  useEffect(() => {
    document.title = title;
  }, [title]);
}

function SwitchIcon() {
  return (
    <svg width="16" height="16" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
      <path
        d="M2.5 5h10m0 0-3-3m3 3-3 3M13.5 11h-10m0 0 3-3m-3 3 3 3"
        fill="none"
        stroke="currentColor"
        strokeWidth="1.5"
        strokeLinecap="round"
        strokeLinejoin="round"
      />
    </svg>
  );
}
