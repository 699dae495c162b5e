// Sign in with an API client's key and secret (shown once by `persona clients create` or the first start).
import { useState, type FormEvent } from 'react';
import { useAuth } from '../auth/auth-context.tsx';
import { ErrorMessage } from '../components/error-message.tsx';

export function SignIn() {
  const { signIn } = useAuth();
  const [key, setKey] = useState('');
  const [secret, setSecret] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [isBusy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await signIn({ key, secret });
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  }

  return (
    <main id="main" className="sign-in">
      <h1>Persona admin</h1>
      <p>Sign in with an API client of your organisation. The key and secret stay in this tab only.</p>
      <form onSubmit={submit}>
        <label htmlFor="key">API key</label>
        <input id="key" name="key" autoComplete="username" required value={key} onChange={(event) => setKey(event.target.value)} />
        <label htmlFor="secret">Secret</label>
        <input
          id="secret"
          name="secret"
          type="password"
          autoComplete="current-password"
          required
          value={secret}
          onChange={(event) => setSecret(event.target.value)}
        />
        <button type="submit" disabled={isBusy}>
          {isBusy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      {error !== null && <ErrorMessage error={error} title="Sign-in failed" />}
    </main>
  );
}
