// API tokens (admin): created with a scope and an optional lifetime, the token itself shown once; listed
// without it (last use, expiry); revoked after a confirmation (a revoked token stays listed as revoked).
import { useState, type FormEvent } from 'react';
import { api, ok } from '../../api/client';
import { fieldError } from '../../api/problem';
import type { Scope } from '../../api/types';
import { ConfirmButton } from '../../components/ConfirmButton';
import { Badge, Button, Card, ErrorNote, Field, inputClass, Table, Td } from '../../components/ui';
import { fmtTime } from '../../lib/format';
import { useApi } from '../../lib/hooks';
import { ShownOnce } from './ShownOnce';
import { useSubmit } from './useSubmit';

export const SCOPES: readonly Scope[] = ['read', 'trade', 'admin'];
export const SCOPE_HINT = 'read: look at everything but access control · trade: also run bots and orders · admin: everything, users and keys too';

export function TokensCard() {
  const list = useApi(() => ok(api.GET('/api/v1/tokens')), []);
  const [name, setName] = useState('');
  const [scope, setScope] = useState<Scope>('read');
  const [ttl, setTtl] = useState('');
  const [created, setCreated] = useState<{ name: string; token: string } | null>(null);
  const create = useSubmit();
  const revoke = useSubmit();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    await create.run(async () => {
      // The days as typed: the server checks them and names the field when they are wrong.
      const ttlDays = ttl.trim() === '' ? undefined : Number(ttl);
      const t = await ok(api.POST('/api/v1/tokens', { body: { name, scope, ttlDays } }));
      setCreated({ name: t.name, token: t.token });
      setName('');
      setTtl('');
      list.reload();
    });
  };
  const err = create.error;
  const now = Date.now();
  return (
    <Card title="API tokens">
      <p className="mb-3 text-sm text-slate-600">For scripts and tools: <code className="font-mono text-xs">Authorization: Bearer &lt;token&gt;</code>. The server keeps only a hash.</p>
      {created !== null && <div className="mb-4"><ShownOnce title={`Token ${created.name}`} secret={created.token} onDone={() => setCreated(null)} /></div>}
      <ErrorNote error={list.error ?? revoke.error} />
      <Table head={['Token', 'Scope', '']} caption="API tokens" empty={list.data?.length === 0 ? 'No token yet.' : false}>
        {list.data?.map((t) => {
          const state = t.revokedMs !== null ? 'revoked' : t.expiresMs !== null && t.expiresMs <= now ? 'expired' : null;
          return (
            <tr key={t.id} data-testid={`token-${t.name}`}>
              <td className="px-2 py-1.5">
                <span className="font-medium text-slate-900">{t.name}</span>{t.username !== null && <span className="text-slate-500"> ({t.username})</span>}
                <span className="block text-xs text-slate-500">
                  created {fmtTime(t.createdMs)} · expires {t.expiresMs === null ? 'never' : fmtTime(t.expiresMs)} · last used {t.lastUsedMs === null ? 'never' : fmtTime(t.lastUsedMs)}
                </span>
              </td>
              <Td><Badge>{t.scope}</Badge></Td>
              <Td className="text-right">
                {state !== null ? <Badge kind="stopped">{state}</Badge> : (
                  <ConfirmButton label={`Revoke token ${t.name}`} question={`Revoke ${t.name}? Programs using it stop working.`} confirmLabel="Revoke" onConfirm={() => void revoke.run(async () => {
                    await ok(api.DELETE('/api/v1/tokens/{id}', { params: { path: { id: t.id } } }));
                    list.reload();
                  })}>Revoke</ConfirmButton>
                )}
              </Td>
            </tr>
          );
        })}
      </Table>
      <form onSubmit={(e) => void submit(e)} className="mt-4 grid grid-cols-1 gap-3 sm:grid-cols-3" aria-label="Create a token">
        <Field label="Token name" id="token-name" error={fieldError(err, 'name')}>
          <input id="token-name" className={inputClass} value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" placeholder="grafana" />
        </Field>
        <Field label="Scope" id="token-scope" hint={SCOPE_HINT} error={fieldError(err, 'scope')}>
          <select id="token-scope" className={inputClass} value={scope} onChange={(e) => setScope(e.target.value as Scope)}>
            {SCOPES.map((s) => <option key={s} value={s}>{s}</option>)}
          </select>
        </Field>
        <Field label="Expires after (days)" id="token-ttl" hint="empty: never" error={fieldError(err, 'ttlDays')}>
          <input id="token-ttl" className={inputClass} inputMode="numeric" value={ttl} onChange={(e) => setTtl(e.target.value)} autoComplete="off" />
        </Field>
        <div className="sm:col-span-3">
          <ErrorNote error={['name', 'scope', 'ttlDays'].some((f) => fieldError(err, f) !== null) ? null : err} />
          <Button tone="primary" type="submit" disabled={create.busy} className="mt-2">{create.busy ? 'Creating…' : 'Create token'}</Button>
        </div>
      </form>
    </Card>
  );
}
