// Who is logged in: read from /auth/me on load (the cookie survives a reload; the CSRF token comes back with
// it), set by the login form, cleared by logout or by any 401 (the session expired): the app then shows the
// login page with a note, and returns to the same page after logging in again.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, ok, onSessionEnded, setCsrfToken } from './client';
import type { Scope } from './types';

export interface SessionUser {
  readonly username: string;
  readonly scope: Scope;
}

interface SessionState {
  /** undefined while the first /auth/me is under way. */
  readonly user: SessionUser | null | undefined;
  /** Why the last session ended, shown on the login page. */
  readonly endedNote: string | null;
  login(username: string, password: string): Promise<void>;
  logout(): Promise<void>;
  /** Whether the user's scope allows a thing that needs `need`. */
  can(need: Scope): boolean;
}

const SessionContext = createContext<SessionState | null>(null);
const RANK: Record<Scope, number> = { read: 0, trade: 1, admin: 2 };

export function SessionProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<SessionUser | null | undefined>(undefined);
  const [endedNote, setEndedNote] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    void api.GET('/api/v1/auth/me').then(({ data }) => {
      if (!live) return;
      if (data === undefined || data.username === null) return setUser(null);
      setCsrfToken(data.csrfToken);
      setUser({ username: data.username, scope: data.scope });
    }).catch(() => live && setUser(null));
    return () => {
      live = false;
    };
  }, []);

  useEffect(() => onSessionEnded(() => {
    setCsrfToken(null);
    setUser((u) => {
      if (u) setEndedNote('Your session has ended. Log in again to go on.');
      return null;
    });
  }), []);

  const login = useCallback(async (username: string, password: string) => {
    const s = await ok(api.POST('/api/v1/auth/login', { body: { username, password } }));
    setCsrfToken(s.csrfToken);
    setEndedNote(null);
    setUser({ username: s.username, scope: s.role });
  }, []);

  const logout = useCallback(async () => {
    await api.POST('/api/v1/auth/logout').catch(() => undefined);
    setCsrfToken(null);
    setEndedNote('You are logged out.');
    setUser(null);
  }, []);

  const value = useMemo<SessionState>(() => ({
    user, endedNote, login, logout,
    can: (need) => user !== null && user !== undefined && RANK[user.scope] >= RANK[need],
  }), [user, endedNote, login, logout]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionState {
  const s = useContext(SessionContext);
  if (s === null) throw new Error('useSession outside SessionProvider');
  return s;
}
