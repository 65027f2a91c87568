// The bot's circuit breakers: each one ok or tripped (why, since when, when it resets by itself), a reset for
// a tripped one (users who may trade), and the latest risk events. Re-read on each risk event.
import { useState } from 'react';
import { api, ok } from '../../api/client';
import type { RiskState } from '../../api/types';
import { Badge, Button, Card, ErrorNote } from '../../components/ui';
import { fmtTime } from '../../lib/format';

export function BreakersCard({ id, risk, error, canTrade, running, onChanged }: {
  id: string; risk: RiskState | undefined; error: unknown; canTrade: boolean; running: boolean; onChanged: () => void;
}) {
  const [busy, setBusy] = useState<string | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  const reset = async (name: string): Promise<void> => {
    setBusy(name);
    setFailure(null);
    try {
      await ok(api.POST('/api/v1/bots/{id}/risk/breakers/{name}/reset', { params: { path: { id, name } } }));
    } catch (e) {
      setFailure(e);
    } finally {
      setBusy(null);
      onChanged();
    }
  };
  const tripped = new Map((risk?.tripped ?? []).map((t) => [t.breaker, t]));
  // Every breaker of the run, tripped ones first seen even if the list is not known (a stopped bot).
  const names = [...new Set([...(risk?.breakers ?? []), ...tripped.keys()])];
  const events = (risk?.events ?? []).slice(-5).reverse();
  return (
    <Card title="Circuit breakers" actions={risk?.halted === true ? <Badge kind="halted">trading halted</Badge> : undefined}>
      <ErrorNote error={error ?? failure} />
      {names.length === 0 ? (
        <p className="text-sm text-slate-500">{running ? 'This bot has no circuit breaker (add them with its risk config).' : 'Breakers are known while the bot runs.'}</p>
      ) : (
        <ul className="divide-y divide-slate-100" data-testid="breakers">
          {names.map((name) => {
            const t = tripped.get(name);
            return (
              <li key={name} className="flex flex-wrap items-center justify-between gap-2 py-2" data-testid={`breaker-${name}`}>
                <div className="min-w-0">
                  <div className="flex items-center gap-2">
                    <span className="font-medium text-slate-800">{name}</span>
                    <Badge kind={t === undefined ? 'live' : 'tripped'}>{t === undefined ? 'ok' : `tripped: ${t.action}`}</Badge>
                  </div>
                  {t !== undefined && (
                    <p className="text-xs text-slate-600">
                      {t.reason} · since {fmtTime(t.trippedTime)}{t.resetsTime !== null ? ` · resets ${fmtTime(t.resetsTime)}` : ''}
                    </p>
                  )}
                </div>
                {t !== undefined && canTrade && running && (
                  <Button onClick={() => void reset(name)} disabled={busy !== null} aria-label={`Reset breaker ${name}`}>{busy === name ? 'Resetting…' : 'Reset'}</Button>
                )}
              </li>
            );
          })}
        </ul>
      )}
      {events.length > 0 && (
        <div className="mt-3">
          <h3 className="text-xs font-medium uppercase tracking-wide text-slate-500">Latest risk events</h3>
          <ul className="mt-1 space-y-0.5 text-xs text-slate-700">
            {events.map((e, i) => <li key={`${e.time}/${i}`}><span className="text-slate-500">{fmtTime(e.time)}</span> {e.kind}: {e.reason}</li>)}
          </ul>
        </div>
      )}
    </Card>
  );
}
