import { useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent } from 'react';

// A deliberately small client-side router: the apps have a handful of pages so far.
// The server answers every page path under an app's mount with its index.html, so any
// path here survives a reload.

const NAVIGATE_EVENT = 'metacrm:navigate';

function subscribe(onChange: () => void): () => void {
  window.addEventListener('popstate', onChange);
  window.addEventListener(NAVIGATE_EVENT, onChange);
  return () => {
    window.removeEventListener('popstate', onChange);
    window.removeEventListener(NAVIGATE_EVENT, onChange);
  };
}

/**
 * The current path below the app's base (`import.meta.env.BASE_URL`), always starting
 * with "/": at `/designer/entities/lead` with base `/designer/` it is `/entities/lead`.
 */
export function useLocationPath(base: string): string {
  const pathname = useSyncExternalStore(subscribe, () => window.location.pathname);
  return toAppPath(pathname, base);
}

export function toAppPath(pathname: string, base: string): string {
  const prefix = base.endsWith('/') ? base.slice(0, -1) : base;
  const rest = pathname.startsWith(prefix) ? pathname.slice(prefix.length) : pathname;
  return rest.startsWith('/') ? rest : `/${rest}`;
}

/** Goes to `href` (a full path, base included) without reloading the page. */
export function navigate(href: string): void {
  window.history.pushState(null, '', href);
  window.dispatchEvent(new Event(NAVIGATE_EVENT));
}

/**
 * An anchor that navigates inside the app. Modified clicks (new tab, download) and other
 * targets keep the browser's behaviour; the href stays real for both.
 */
export function Link({ href, onClick, ...rest }: AnchorHTMLAttributes<HTMLAnchorElement> & { href: string }) {
  const handleClick = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    if (rest.target && rest.target !== '_self') return;
    event.preventDefault();
    navigate(href);
  };
  return <a href={href} onClick={handleClick} {...rest} />;
}
