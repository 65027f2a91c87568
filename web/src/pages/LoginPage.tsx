// Log in with a Sextant user (`sextant user add`, or the admin printed on first start).
import { useState, type FormEvent } from 'react';
import { useSession } from '../api/session';
import { Button, ErrorNote, Field, inputClass } from '../components/ui';

export function LoginPage() {
  const { login, endedNote } = useSession();
  const [username, setUsername] = useState('admin');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await login(username, password);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <main className="flex min-h-screen items-center justify-center bg-slate-100 px-4">
      <form onSubmit={(e) => void submit(e)} className="w-full max-w-sm space-y-4 rounded-lg border border-slate-200 bg-white p-6 shadow-sm" aria-labelledby="login-title">
        <h1 id="login-title" className="text-xl font-semibold">Sextant</h1>
        {endedNote !== null && <p className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900" role="status">{endedNote}</p>}
        <Field label="Username" id="username">
          <input id="username" className={inputClass} autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} required />
        </Field>
        <Field label="Password" id="password">
          <input id="password" type="password" className={inputClass} autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required />
        </Field>
        <ErrorNote error={error} />
        <Button tone="primary" type="submit" disabled={busy} className="w-full">{busy ? 'Logging in…' : 'Log in'}</Button>
      </form>
    </main>
  );
}
