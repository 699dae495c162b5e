// Who is signed in: the credentials in session storage, checked and described by GET /v1/me (organisation and
// scopes). Screens ask `can(scope)` to hide or disable what the client may not do.
import { createContext, useCallback, useContext, useState, type ReactNode } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, call, type components } from '../api/client.ts';
import { clearCredentials, readCredentials, saveCredentials, type Credentials } from './session.ts';

export type Me = components['schemas']['Me'];
export type Scope = Me['scopes'][number];

interface Auth {
  isSignedIn: boolean;
  me: Me | undefined;
  meQuery: ReturnType<typeof useMeQuery>;
  can(scope: Scope): boolean;
  signIn(credentials: Credentials): Promise<Me>;
  signOut(): void;
}

const AuthContext = createContext<Auth | null>(null);

function useMeQuery(isSignedIn: boolean) {
  return useQuery({ queryKey: ['me'], enabled: isSignedIn, queryFn: () => call(api.GET('/v1/me')), staleTime: 60_000 });
}

export function AuthProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const [isSignedIn, setSignedIn] = useState(() => readCredentials(sessionStorage) !== null);
  const meQuery = useMeQuery(isSignedIn);

  const signIn = useCallback(
    async (credentials: Credentials) => {
      saveCredentials(sessionStorage, credentials);
      try {
        const me = await call(api.GET('/v1/me'));
        queryClient.clear();
        queryClient.setQueryData(['me'], me);
        setSignedIn(true);
        return me;
      } catch (error) {
        clearCredentials(sessionStorage);
        throw error;
      }
    },
    [queryClient],
  );

  const signOut = useCallback(() => {
    clearCredentials(sessionStorage);
    queryClient.clear();
    setSignedIn(false);
  }, [queryClient]);

  const me = meQuery.data;
  const can = useCallback((scope: Scope) => Boolean(me?.scopes.includes(scope)), [me]);
  return <AuthContext.Provider value={{ isSignedIn, me, meQuery, can, signIn, signOut }}>{children}</AuthContext.Provider>;
}

export function useAuth(): Auth {
  const auth = useContext(AuthContext);
  if (!auth) throw new Error('useAuth outside AuthProvider');
  return auth;
}
