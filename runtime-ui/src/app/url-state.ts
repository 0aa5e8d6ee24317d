import { useCallback, useSyncExternalStore } from 'react';
import { navigate } from '@metacrm/ui-kit';

// Screen state (filter, sort, page, search, open record, tab) lives in the query
// string, so back and forward work and a link reproduces the screen.

const NAVIGATE_EVENT = 'metacrm:navigate';

function subscribe(onChange: () => void): () => void {
  window.addEventListener('popstate', onChange);
  window.addEventListener(NAVIGATE_EVENT, onChange);
  return () => {
    window.removeEventListener('popstate', onChange);
    window.removeEventListener(NAVIGATE_EVENT, onChange);
  };
}

/** The current query string's parameters, and a setter that pushes a history entry. */
export function useUrlState(): [URLSearchParams, (changes: Record<string, string | undefined>, options?: { replace?: boolean }) => void] {
  const search = useSyncExternalStore(subscribe, () => window.location.search);
  const params = new URLSearchParams(search);
  const update = useCallback((changes: Record<string, string | undefined>, options: { replace?: boolean } = {}) => {
    const next = new URLSearchParams(window.location.search);
    for (const [key, value] of Object.entries(changes)) {
      if (value === undefined || value === '') next.delete(key);
      else next.set(key, value);
    }
    const query = next.toString();
    const href = `${window.location.pathname}${query ? `?${query}` : ''}`;
    if (options.replace) {
      window.history.replaceState(null, '', href);
      window.dispatchEvent(new Event(NAVIGATE_EVENT));
    } else {
      navigate(href);
    }
  }, []);
  return [params, update];
}

/** Reads a JSON parameter, or undefined when it is absent or not JSON. */
export function jsonParam<T>(params: URLSearchParams, key: string): T | undefined {
  const raw = params.get(key);
  if (!raw) return undefined;
  try {
    return JSON.parse(raw) as T;
  } catch {
    return undefined;
  }
}
