// Broker credentials (admin): stored encrypted by the server, listed masked, tested against the venue (the
// venue's answer shown as it came, failure included), removed after a confirmation.
import { useState, type FormEvent } from 'react';
import { api, ok } from '../../api/client';
import { fieldError } from '../../api/problem';
import type { GetOk } from '../../api/types';
import { ConfirmButton } from '../../components/ConfirmButton';
import { Button, Card, ErrorNote, Field, inputClass } from '../../components/ui';
import { fmtTime } from '../../lib/format';
import { useApi } from '../../lib/hooks';
import { useSubmit } from './useSubmit';

type Credential = GetOk<'/api/v1/credentials'>[number];
type TestResult = { ok: boolean; message: string; millis: number; currencies: number };

/** Venues that log in with an API key and secret (Interactive Brokers logs in through TWS instead). */
const VENUES: readonly (readonly [string, string])[] = [['alpaca', 'Alpaca'], ['binance', 'Binance'], ['ccxt', 'Another exchange (ccxt)']];

export function CredentialsCard() {
  const list = useApi(() => ok(api.GET('/api/v1/credentials')), []);
  const [venue, setVenue] = useState('alpaca');
  const [exchange, setExchange] = useState('');
  const [label, setLabel] = useState('');
  const [apiKey, setApiKey] = useState('');
  const [apiSecret, setApiSecret] = useState('');
  const add = useSubmit();
  const remove = useSubmit();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const done = await add.run(async () => {
      await ok(api.POST('/api/v1/credentials', { body: { venue: venue === 'ccxt' ? `ccxt:${exchange.trim()}` : venue, label, secrets: { apiKey, apiSecret } } }));
    });
    if (done) {
      setLabel('');
      setApiKey('');
      setApiSecret('');
      list.reload();
    }
  };
  const err = add.error;
  return (
    <Card title="API keys (broker credentials)">
      <p className="mb-3 text-sm text-slate-600">Encrypted at rest on the server; never shown again in clear. A live bot on a venue uses its newest key.</p>
      <ErrorNote error={list.error ?? remove.error} />
      <ul className="mb-4 divide-y divide-slate-100" aria-label="Stored credentials">
        {list.data?.length === 0 && <li className="py-2 text-sm text-slate-500">No credential stored.</li>}
        {list.data?.map((c) => <CredentialRow key={c.id} c={c} onRemove={() => void remove.run(async () => {
          await ok(api.DELETE('/api/v1/credentials/{id}', { params: { path: { id: c.id } } }));
          list.reload();
        })} />)}
      </ul>
      <form onSubmit={(e) => void submit(e)} className="grid grid-cols-1 gap-3 sm:grid-cols-2" aria-label="Add a credential">
        <Field label="Venue" id="cred-venue" error={venue !== 'ccxt' ? fieldError(err, 'venue') : null}>
          <select id="cred-venue" className={inputClass} value={venue} onChange={(e) => setVenue(e.target.value)}>
            {VENUES.map(([v, name]) => <option key={v} value={v}>{name}</option>)}
          </select>
        </Field>
        {venue === 'ccxt' && (
          <Field label="Exchange id (ccxt)" id="cred-exchange" hint="e.g. kraken, coinbase, bybit" error={fieldError(err, 'venue')}>
            <input id="cred-exchange" className={inputClass} value={exchange} onChange={(e) => setExchange(e.target.value)} autoComplete="off" />
          </Field>
        )}
        <Field label="Label" id="cred-label" error={fieldError(err, 'label')}>
          <input id="cred-label" className={inputClass} value={label} onChange={(e) => setLabel(e.target.value)} autoComplete="off" placeholder="paper account" />
        </Field>
        <Field label="API key" id="cred-key" error={fieldError(err, 'apiKey')}>
          <input id="cred-key" className={inputClass} value={apiKey} onChange={(e) => setApiKey(e.target.value)} autoComplete="off" spellCheck={false} />
        </Field>
        <Field label="API secret" id="cred-secret" error={fieldError(err, 'apiSecret')}>
          <input id="cred-secret" type="password" className={inputClass} value={apiSecret} onChange={(e) => setApiSecret(e.target.value)} autoComplete="new-password" />
        </Field>
        <div className="sm:col-span-2">
          <ErrorNote error={['venue', 'label', 'apiKey', 'apiSecret'].some((f) => fieldError(err, f) !== null) ? null : err} />
          <Button tone="primary" type="submit" disabled={add.busy} className="mt-2">{add.busy ? 'Adding…' : 'Add credential'}</Button>
        </div>
      </form>
    </Card>
  );
}

function CredentialRow({ c, onRemove }: { c: Credential; onRemove(): void }) {
  const [testnet, setTestnet] = useState(true);
  const [result, setResult] = useState<TestResult | null>(null);
  const test = useSubmit();
  const run = () => void test.run(async () => {
    setResult(null);
    setResult(await ok(api.POST('/api/v1/credentials/{id}/test', { params: { path: { id: c.id } }, body: { testnet } })));
  });
  return (
    <li className="space-y-2 py-3" data-testid={`credential-${c.label}`}>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <div>
          <p className="text-sm font-medium text-slate-900">{c.label} <span className="font-normal text-slate-500">· {c.venue} · added {fmtTime(c.createdMs)}</span></p>
          <p className="font-mono text-xs text-slate-600" data-testid="mask">
            {Object.entries(c.mask).map(([k, v]) => `${k} ${v}`).join('  ')}
          </p>
        </div>
        <div className="flex flex-wrap items-center gap-2">
          <label className="flex items-center gap-1.5 text-sm text-slate-700">
            <input type="checkbox" className="h-4 w-4 accent-sky-700" checked={testnet} onChange={(e) => setTestnet(e.target.checked)} />
            paper / testnet
          </label>
          <Button onClick={run} disabled={test.busy} aria-label={`Test connection of ${c.label}`}>{test.busy ? 'Testing…' : 'Test connection'}</Button>
          <ConfirmButton label={`Remove credential ${c.label}`} question={`Remove ${c.label}?`} confirmLabel="Remove" onConfirm={onRemove}>Remove</ConfirmButton>
        </div>
      </div>
      <ErrorNote error={test.error} />
      {result !== null && (
        <p role={result.ok ? 'status' : 'alert'} data-testid="test-result"
          className={`rounded-md border px-3 py-2 text-sm ${result.ok ? 'border-emerald-200 bg-emerald-50 text-emerald-900' : 'border-rose-200 bg-rose-50 text-rose-900'}`}>
          {result.ok ? `Connected (${result.currencies} currencies with a balance): ${result.message}` : `Connection failed: ${result.message}`} <span className="text-xs opacity-75">({result.millis} ms)</span>
        </p>
      )}
    </li>
  );
}
