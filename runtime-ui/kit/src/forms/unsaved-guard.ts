import { useEffect } from 'react';

/**
 * While `dirty`, leaving the page (reload, closing the tab, typing another address)
 * asks first; in-app navigation asks through the drawer's own close guard.
 */
export function useUnsavedGuard(dirty: boolean): void {
  useEffect(() => {
    if (!dirty) return;
    const onBeforeUnload = (event: BeforeUnloadEvent) => {
      event.preventDefault();
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => window.removeEventListener('beforeunload', onBeforeUnload);
  }, [dirty]);
}
