import { StyleProvider } from '@ant-design/cssinjs';
import { QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { App as AntApp, ConfigProvider } from 'antd';
import enUS from 'antd/es/locale/en_US';
import zhCN from 'antd/es/locale/zh_CN';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { useEffect, useState, type ReactNode } from 'react';
import { useLocale } from '../i18n/i18n';
import { retryDelay, shouldRetry } from './retry';
// antd 6 in zero-runtime mode: its styles come from this static file, so nothing is
// injected as a <style> element at run time, which the platform's CSP (style-src 'self')
// refuses. The file scopes the default theme's CSS variables under the class
// `css-var-_R_0_`, so the provider names that key and turns hashed class names off.
import 'antd/dist/antd.css';
import './antd-contrast.css';
import './overlays.css';

/** The static theme antd.css was generated for (see the import above). */
const ANTD_THEME = { zeroRuntime: true, hashed: false, cssVar: { key: 'css-var-_R_0_' } } as const;

/**
 * Zero-runtime antd still registers its theme's CSS variables as <style> elements, the
 * same ones antd.css holds. They go into an element never attached to the document:
 * nothing is applied twice, and the CSP has no inline style to refuse. Made on first
 * render, not at import, so that modules importing the kit also load outside a browser.
 */
function detachedStyles(): HTMLElement {
  return document.createElement('div');
}

/**
 * Where antd's drawers, modals and popups mount: an element of their own at the end of
 * <body>, not <body> itself. antd's portal locks the page's scrolling only for overlays
 * mounted straight in <body>, and does it with an injected <style> element that the CSP
 * refuses (it passes no nonce, not even the ConfigProvider's `csp`), so the page scrolled
 * behind an open drawer and every opening logged a CSP violation. overlays.css locks
 * instead. One element for the page, shared by every provider.
 */
function overlayRoot(): HTMLElement {
  const existing = document.querySelector<HTMLElement>('body > .mc-overlays');
  if (existing) return existing;
  const root = document.createElement('div');
  root.className = 'mc-overlays';
  document.body.appendChild(root);
  return root;
}

/** Toasts open below the app bar and a drawer's title bar (56 px), never over a record's name. */
const MESSAGE_TOP = 64;

/**
 * Server state (TanStack Query: cached per key, last data kept while refetching, 503s
 * retried with backoff) and antd's locale, theme and message/modal context, in the
 * user's language.
 */
export function AppProviders({ children }: { children: ReactNode }) {
  const { locale } = useLocale();
  const [styles] = useState(detachedStyles);
  const [overlays] = useState(overlayRoot);
  const [client] = useState(
    () =>
      new QueryClient({
        queryCache: new QueryCache(),
        defaultOptions: {
          queries: {
            staleTime: 15_000,
            retry: shouldRetry,
            retryDelay,
            placeholderData: (previous: unknown) => previous,
            refetchOnWindowFocus: false,
          },
        },
      }),
  );
  useEffect(() => {
    dayjs.locale(locale === 'zh-CN' ? 'zh-cn' : 'en');
  }, [locale]);
  return (
    <QueryClientProvider client={client}>
      <StyleProvider container={styles}>
        <ConfigProvider locale={locale === 'zh-CN' ? zhCN : enUS} theme={ANTD_THEME} getPopupContainer={() => overlays}>
          <AntApp message={{ top: MESSAGE_TOP }}>{children}</AntApp>
        </ConfigProvider>
      </StyleProvider>
    </QueryClientProvider>
  );
}
