// The bot's risk state: halted or not, circuit breakers tripped now (with a reset for the trade scope) and
// the latest risk events (trips, resets, kill switch, feed).
import { useState } from 'react';
import { api, ok } from '../../api/client';
import type { RiskState } from '../../api/types';
import { ConfirmButton } from '../../components/ConfirmButton';
import { Badge, Card, ErrorNote, Table, Td } from '../../components/ui';
import { fmtTime } from '../../lib/format';

export function BreakersCard({ botId, risk, canTrade, onChange }: { botId: string; risk: RiskState; canTrade: boolean; onChange(): void }) {
  const [error, setError] = useState<unknown>(null);
  const reset = async (name: string) => {
    setError(null);
    try {
      await ok(api.POST('/api/v1/bots/{id}/risk/breakers/{name}/reset', { params: { path: { id: botId, name } } }));
      onChange();
    } catch (e) {
      setError(e);
    }
  };
  const events = risk.events.slice(-10).reverse();
  return (
    <Card title="Circuit breakers and risk events" actions={risk.halted ? <Badge kind="halted">halted</Badge> : <Badge kind="running">trading</Badge>}>
      <ErrorNote error={error} />
      {risk.tripped.length === 0 ? (
        <p className="text-sm text-slate-600" data-testid="tripped">No breaker tripped.</p>
      ) : (
        <ul className="space-y-2" data-testid="tripped">
          {risk.tripped.map((t) => (
            <li key={t.breaker} className="flex flex-wrap items-center gap-2 rounded-md border border-rose-200 bg-rose-50 px-3 py-2 text-sm">
              <Badge kind="tripped">{t.breaker}</Badge>
              <span className="text-rose-900">{t.action}: {t.reason}</span>
              <span className="text-xs text-slate-600">since {fmtTime(t.trippedTime)}{t.resetsTime !== null ? `, resets ${fmtTime(t.resetsTime)}` : ''}</span>
              {canTrade && (
                <ConfirmButton label={`Reset breaker ${t.breaker}`} question={`Reset ${t.breaker}? Trading goes on.`} confirmLabel="Reset" onConfirm={() => reset(t.breaker)}>
                  Reset
                </ConfirmButton>
              )}
            </li>
          ))}
        </ul>
      )}
      <h3 className="mb-1 mt-4 text-xs font-semibold uppercase tracking-wide text-slate-500">Latest risk events</h3>
      <Table head={['Time', 'Kind', 'Reason']} caption="Latest risk events" empty={events.length === 0 ? 'No risk event in this run.' : false}>
        {events.map((e, i) => (
          <tr key={`${e.time}-${i}`}>
            <Td className="num text-xs">{fmtTime(e.time)}</Td>
            <Td>{e.kind}</Td>
            <td className="min-w-48 px-2 py-1.5">{e.reason}</td>
          </tr>
        ))}
      </Table>
    </Card>
  );
}
