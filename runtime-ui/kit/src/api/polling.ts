import { useEffect, useState } from 'react';
import { toApiError, type ApiError } from './api-error';

export interface PollState<T> {
  /** The last good answer; kept while a later poll fails, so the page can show it as stale. */
  data: T | undefined;
  /** The last poll's failure, cleared by the next success. */
  error: ApiError | undefined;
  /** When `data` arrived. */
  updatedAt: Date | undefined;
  /** True until the first poll settles. */
  loading: boolean;
  /** Polls now (a retry button) and restarts the interval. */
  refresh: () => void;
}

/**
 * Calls `load` now and then `intervalMs` after each answer (never overlapping, unlike
 * setInterval), pausing while the tab is hidden. `load` must be stable: a module-level
 * function or a memoised one, or the polling restarts on every render.
 */
export function usePolling<T>(load: (signal: AbortSignal) => Promise<T>, intervalMs: number): PollState<T> {
  const [state, setState] = useState<{ data?: T; error?: ApiError; updatedAt?: Date }>({});
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      if (document.visibilityState === 'hidden') return; // resumed by the visibility listener
      try {
        const data = await load(controller.signal);
        if (!controller.signal.aborted) setState({ data, updatedAt: new Date() });
      } catch (err) {
        if (controller.signal.aborted) return;
        setState((previous) => ({ ...previous, error: toApiError(err) }));
      }
      if (!controller.signal.aborted) timer = setTimeout(() => void poll(), intervalMs);
    };
    const onVisibility = () => {
      if (document.visibilityState !== 'visible') return;
      clearTimeout(timer);
      void poll();
    };
    document.addEventListener('visibilitychange', onVisibility);
    void poll();
    return () => {
      controller.abort();
      clearTimeout(timer);
      document.removeEventListener('visibilitychange', onVisibility);
    };
  }, [load, intervalMs, generation]);

  return {
    data: state.data,
    error: state.error,
    updatedAt: state.updatedAt,
    loading: state.data === undefined && state.error === undefined,
    refresh: () => setGeneration((n) => n + 1),
  };
}
