// The frame of every signed-in page: who is signed in (organisation, client, scopes), the navigation, sign out.
import { ErrorBoundary } from 'react-error-boundary';
import { NavLink, Outlet, useLocation } from 'react-router';
import { useAuth } from '../auth/auth-context.tsx';
import { ErrorMessage, Loading } from './error-message.tsx';

export function Layout() {
  const { me, meQuery, signOut } = useAuth();
  const { pathname } = useLocation();
  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <span className="brand">Persona admin</span>
        <nav aria-label="Main">
          <NavLink to="/people">People</NavLink>
          <NavLink to="/duplicates">Duplicates</NavLink>
          <NavLink to="/merges">Merges</NavLink>
          <NavLink to="/import">Import</NavLink>
          <NavLink to="/health">Identity health</NavLink>
          <a href="/docs">API docs</a>
        </nav>
        <div className="who" aria-label="Signed in as">
          {me ? (
            <>
              <span>
                Organisation <strong>{me.organisation.name}</strong>
              </span>
              <span>
                Client <strong>{me.client.title}</strong>
              </span>
              <span className="scopes" aria-label="Scopes">
                {me.scopes.map((scope) => (
                  <code key={scope}>{scope}</code>
                ))}
              </span>
            </>
          ) : meQuery.isError ? null : (
            <Loading what="your account" />
          )}
          <button type="button" onClick={signOut}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {meQuery.isError && <ErrorMessage error={meQuery.error} title="Your credentials were not accepted" />}
        {/* A page that fails to render says so (and recovers on the next page) instead of leaving a blank screen. */}
        <ErrorBoundary resetKeys={[pathname]} fallbackRender={({ error }) => <ErrorMessage error={error} title="This page failed" />}>
          <Outlet />
        </ErrorBoundary>
      </main>
    </>
  );
}
