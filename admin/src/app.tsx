// The app's routes under /admin; signed out, every route shows the sign-in form.
import { Navigate, Route, Routes, useLocation } from 'react-router';
import { useAuth } from './auth/auth-context.tsx';
import { Layout } from './components/layout.tsx';
import { DuplicatesPage } from './pages/duplicates-page.tsx';
import { IdentityHealthPage } from './pages/identity-health-page.tsx';
import { ImportPage } from './pages/import-page.tsx';
import { MergesPage } from './pages/merges-page.tsx';
import { People } from './pages/people.tsx';
import { PersonPage } from './pages/person-page.tsx';
import { SignIn } from './pages/sign-in.tsx';

export function App() {
  const { isSignedIn } = useAuth();
  if (!isSignedIn) return <SignIn />;
  return (
    <Routes>
      <Route element={<Layout />}>
        <Route index element={<Navigate to="/people" replace />} />
        <Route path="people" element={<PeopleWithNotice />} />
        <Route path="people/:id" element={<PersonPage />} />
        <Route path="duplicates" element={<DuplicatesPage />} />
        <Route path="merges" element={<MergesPage />} />
        <Route path="import" element={<ImportPage />} />
        <Route path="health" element={<IdentityHealthPage />} />
        <Route
          path="*"
          element={
            <>
              <h1>Not found</h1>
              <p>This page does not exist.</p>
            </>
          }
        />
      </Route>
    </Routes>
  );
}

/** People, with the notice another page left (e.g. after an erasure). */
function PeopleWithNotice() {
  const notice = (useLocation().state as { notice?: string } | null)?.notice;
  return (
    <>
      {notice && (
        <p role="status" className="notice">
          {notice}
        </p>
      )}
      <People />
    </>
  );
}
