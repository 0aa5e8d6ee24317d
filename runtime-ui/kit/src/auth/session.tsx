import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, SIGNED_OUT_EVENT } from '../api/api-client';
import { toApiError, type ApiError } from '../api/api-error';

/** The signed-in user, as `GET /api/auth/me` answers it. */
export interface SessionUser {
  id: string;
  email: string;
  name: string;
  locale: 'zh-CN' | 'en';
  roles: string[];
  twoFactorEnabled: boolean;
}

export interface Me {
  user: SessionUser;
  roles: string[];
  adminRights: { metadata: boolean; users: boolean };
  /** An admin who must use 2FA and has not enrolled: the app shows enrolment only. */
  twoFactorSetupRequired: boolean;
  /** The role a metadata administrator previews in this tab (read-only), or null. */
  previewRole?: string | null;
}

type SessionState =
  { status: 'checking' } | { status: 'signed-out' } | { status: 'signed-in'; me: Me } | { status: 'error'; error: ApiError };

interface SessionContextValue {
  state: SessionState;
  /** Reads `/api/auth/me` again (after sign-in, enrolment). */
  refresh: () => Promise<void>;
  signOut: () => Promise<void>;
}

const SessionContext = createContext<SessionContextValue | null>(null);

/**
 * Knows whether someone is signed in: asks the server once at start, and again when
 * told to; drops to signed-out whenever any API call answers AUTH_REQUIRED. The
 * session itself lives in an httpOnly cookie the page cannot read.
 */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>({ status: 'checking' });

  const refresh = useCallback(async () => {
    try {
      setState({ status: 'signed-in', me: await api.get<Me>('/api/auth/me') });
    } catch (err) {
      const error = toApiError(err);
      setState(error.code === 'AUTH_REQUIRED' ? { status: 'signed-out' } : { status: 'error', error });
    }
  }, []);

  const signOut = useCallback(async () => {
    await api.post('/api/auth/logout').catch(() => undefined);
    setState({ status: 'signed-out' });
  }, []);

  useEffect(() => {
    void refresh();
    const onSignedOut = () => setState({ status: 'signed-out' });
    window.addEventListener(SIGNED_OUT_EVENT, onSignedOut);
    return () => window.removeEventListener(SIGNED_OUT_EVENT, onSignedOut);
  }, [refresh]);

  const value = useMemo(() => ({ state, refresh, signOut }), [state, refresh, signOut]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

/** The session, or null outside a SessionProvider (the Shell then shows no account menu). */
export function useSession(): SessionContextValue | null {
  return useContext(SessionContext);
}
