// Users (admin): added with a role and a password (generated and shown once when left empty), removed after
// a confirmation (their sessions end). Your own user cannot be removed from here.
import { useState, type FormEvent } from 'react';
import { api, ok } from '../../api/client';
import { fieldError } from '../../api/problem';
import { useSession } from '../../api/session';
import type { Scope } from '../../api/types';
import { ConfirmButton } from '../../components/ConfirmButton';
import { Badge, Button, Card, ErrorNote, Field, inputClass, Table, Td } from '../../components/ui';
import { fmtTime } from '../../lib/format';
import { useApi } from '../../lib/hooks';
import { ShownOnce } from './ShownOnce';
import { SCOPE_HINT, SCOPES } from './TokensCard';
import { useSubmit } from './useSubmit';

export function UsersCard() {
  const { user } = useSession();
  const list = useApi(() => ok(api.GET('/api/v1/users')), []);
  const [username, setUsername] = useState('');
  const [role, setRole] = useState<Scope>('read');
  const [password, setPassword] = useState('');
  const [generated, setGenerated] = useState<{ username: string; password: string } | null>(null);
  const add = useSubmit();
  const remove = useSubmit();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    await add.run(async () => {
      const u = await ok(api.POST('/api/v1/users', { body: { username, role, password: password === '' ? undefined : password } }));
      if (u.generated) setGenerated({ username: u.username, password: u.password });
      setUsername('');
      setPassword('');
      list.reload();
    });
  };
  const err = add.error;
  return (
    <Card title="Users">
      {generated !== null && <div className="mb-4"><ShownOnce title={`Password of ${generated.username}`} secret={generated.password} onDone={() => setGenerated(null)} /></div>}
      <ErrorNote error={list.error ?? remove.error} />
      <Table head={['User', 'Role', 'Added', '']} caption="Users">
        {list.data?.map((u) => (
          <tr key={u.username} data-testid={`user-${u.username}`}>
            <Td>{u.username}{u.username === user?.username && <span className="text-slate-500"> (you)</span>}</Td>
            <Td><Badge>{u.role}</Badge></Td>
            <Td className="num text-xs">{fmtTime(u.createdMs)}</Td>
            <Td className="text-right">
              {u.username !== user?.username && (
                <ConfirmButton label={`Remove user ${u.username}`} question={`Remove ${u.username}? Their sessions end.`} confirmLabel="Remove" onConfirm={() => void remove.run(async () => {
                  await ok(api.DELETE('/api/v1/users/{username}', { params: { path: { username: u.username } } }));
                  list.reload();
                })}>Remove</ConfirmButton>
              )}
            </Td>
          </tr>
        ))}
      </Table>
      <form onSubmit={(e) => void submit(e)} className="mt-4 grid grid-cols-1 gap-3 sm:grid-cols-3" aria-label="Add a user">
        <Field label="Username" id="user-name" error={fieldError(err, 'username')}>
          <input id="user-name" className={inputClass} value={username} onChange={(e) => setUsername(e.target.value)} autoComplete="off" />
        </Field>
        <Field label="Role" id="user-role" hint={SCOPE_HINT} error={fieldError(err, 'role')}>
          <select id="user-role" className={inputClass} value={role} onChange={(e) => setRole(e.target.value as Scope)}>
            {SCOPES.map((s) => <option key={s} value={s}>{s}</option>)}
          </select>
        </Field>
        <Field label="Password" id="user-password" hint="empty: one is generated and shown once" error={fieldError(err, 'password')}>
          <input id="user-password" type="password" className={inputClass} value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="new-password" />
        </Field>
        <div className="sm:col-span-3">
          <ErrorNote error={['username', 'role', 'password'].some((f) => fieldError(err, f) !== null) ? null : err} />
          <Button tone="primary" type="submit" disabled={add.busy} className="mt-2">{add.busy ? 'Adding…' : 'Add user'}</Button>
        </div>
      </form>
    </Card>
  );
}
