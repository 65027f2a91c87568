// Every bot at a glance: state, equity, PnL today and in total, exposure, open positions and orders, tripped
// breakers. Equity and counts follow the WebSocket's `equity` topic (each second), states the `bots` topic.
import { Link } from 'react-router';
import { api, ok } from '../api/client';
import type { Account, Bot, RiskState } from '../api/types';
import { Badge, Card, ErrorNote, PageTitle, Stat } from '../components/ui';
import { fmtMoney, fmtSigned, pnlClass } from '../lib/format';
import { useApi, useLive } from '../lib/hooks';
import { useState } from 'react';

interface EquityTick {
  readonly equity: number | null;
  readonly cash: number | null;
  readonly halted: boolean;
  readonly openOrders: number;
}

export function OverviewPage() {
  const bots = useApi(() => ok(api.GET('/api/v1/bots')), []);
  useLive(null, 'bots', () => bots.reload());
  return (
    <>
      <PageTitle>Bots</PageTitle>
      <ErrorNote error={bots.error} />
      {bots.data?.length === 0 && <p className="text-sm text-slate-600">No bot yet: create one with POST /api/v1/bots or from the Strategies page.</p>}
      <div className="grid grid-cols-1 gap-4 lg:grid-cols-2">
        {bots.data?.map((b) => <BotTile key={b.id} bot={b} />)}
      </div>
    </>
  );
}

function BotTile({ bot }: { bot: Bot }) {
  const running = bot.state === 'running';
  const account = useApi<Account | null>(() => (running ? ok(api.GET('/api/v1/bots/{id}/account', { params: { path: { id: bot.id } } })) : Promise.resolve(null)), [bot.id, running], 15_000);
  const risk = useApi<RiskState | null>(() => ok(api.GET('/api/v1/bots/{id}/risk', { params: { path: { id: bot.id } } })), [bot.id], 15_000);
  const [tick, setTick] = useState<EquityTick | null>(null);
  useLive(running ? bot.id : null, 'equity', (m) => {
    if (m.type === 'message') setTick(m.data as EquityTick);
  });
  const a = account.data;
  const equity = tick?.equity ?? a?.equity ?? bot.status?.equity ?? null;
  // The day's and the run's start do not move within a tick: PnL follows the live equity.
  const pnlToday = a?.pnlToday == null || a.equity == null || equity === null ? a?.pnlToday ?? null : a.pnlToday + (equity - a.equity);
  const pnlTotal = a?.startingCash == null || equity === null ? a?.pnlTotal ?? null : equity - a.startingCash;
  const tripped = risk.data?.tripped ?? [];
  const halted = tick?.halted ?? a?.halted ?? bot.status?.halted ?? false;
  return (
    <Card
      title={<Link to={`/bots/${encodeURIComponent(bot.id)}`} className="text-sky-800 hover:underline">{bot.name} <span className="text-slate-500">({bot.id})</span></Link>}
      actions={<><Badge>{bot.mode}</Badge><Badge>{bot.state}</Badge>{halted && <Badge kind="halted">halted</Badge>}</>}
    >
      <div className="grid grid-cols-2 gap-3 sm:grid-cols-4" data-testid={`bot-${bot.id}`}>
        <Stat label="Equity" value={<span data-testid="equity">{fmtMoney(equity)}</span>} />
        <Stat label="PnL today" value={fmtSigned(pnlToday)} className={pnlClass(pnlToday)} />
        <Stat label="PnL total" value={fmtSigned(pnlTotal)} className={pnlClass(pnlTotal)} />
        <Stat label="Gross exposure" value={fmtMoney(a?.grossExposure)} />
        <Stat label="Positions" value={a?.openPositions ?? bot.status?.positions.length ?? '—'} />
        <Stat label="Open orders" value={tick?.openOrders ?? a?.openOrders ?? bot.status?.openOrders ?? '—'} />
        <Stat label="Breakers" value={tripped.length === 0 ? 'none tripped' : tripped.map((t) => t.breaker).join(', ')} className={tripped.length === 0 ? 'text-slate-600' : 'text-rose-700'} />
        <Stat label="Strategy errors" value={bot.status?.strategyErrors.length ?? 0} className={(bot.status?.strategyErrors.length ?? 0) > 0 ? 'text-rose-700' : ''} />
      </div>
      {bot.error !== null && <p className="mt-3 text-sm text-rose-700">{bot.error}</p>}
    </Card>
  );
}
