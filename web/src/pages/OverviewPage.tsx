// Every bot at a glance: state, equity, PnL today and in total, exposure, open positions and orders, tripped
// breakers, how old its market data is and how its venue link stands; one click into a bot. Live from the
// WebSocket: equity, open orders and health each second (`equity`), positions and exposure as they change
// (`positions`), breakers on each risk event (`events`), states from the `bots` topic.
import { Link } from 'react-router';
import { api, ok } from '../api/client';
import type { LiveMessage } from '../api/live';
import type { Account, Bot, Position, RiskState } from '../api/types';
import { Badge, Card, ErrorNote, PageTitle, Stat } from '../components/ui';
import { fmtMoney, fmtSigned, pnlClass } from '../lib/format';
import { useApi, useLive } from '../lib/hooks';
import { useEffect, useState } from 'react';
import { DataAge, VenueState } from './bot/health';
import type { BotEvent, EquityTick } from './bot/live-types';
import { useThrottled } from './bot/throttle';

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
  const risk = useApi<RiskState | null>(() => ok(api.GET('/api/v1/bots/{id}/risk', { params: { path: { id: bot.id } } })), [bot.id, running], 15_000);
  const [tick, setTick] = useState<EquityTick | null>(null);
  const [positions, setPositions] = useState<Position[] | null>(null);
  useEffect(() => {
    setTick(null);
    setPositions(null);
  }, [bot.id, running]);
  const reloadRisk = useThrottled(risk.reload, 300);
  const live = running ? bot.id : null;
  useLive(live, 'equity', (m) => {
    if (m.type === 'message') setTick(m.data as EquityTick);
  });
  useLive(live, 'positions', (m) => {
    if (m.type === 'message') setPositions(m.data as Position[]);
  });
  useLive(live, 'events', (m) => {
    if (m.type === 'gap' || ((m as LiveMessage).data as BotEvent).kind === 'RiskEvent') reloadRisk();
  });
  const a = account.data;
  const equity = tick?.equity ?? a?.equity ?? bot.status?.equity ?? null;
  // The day's and the run's start do not move within a tick: PnL follows the live equity.
  const pnlToday = a?.pnlToday == null || a.equity == null || equity === null ? a?.pnlToday ?? null : a.pnlToday + (equity - a.equity);
  const pnlTotal = a?.startingCash == null || equity === null ? a?.pnlTotal ?? null : equity - a.startingCash;
  const gross = positions === null ? a?.grossExposure ?? null : positions.reduce((s, p) => s + Math.abs(p.qty * (p.lastPrice ?? p.avgPrice)), 0);
  const tripped = risk.data?.tripped ?? [];
  const halted = tick?.halted ?? a?.halted ?? bot.status?.halted ?? false;
  const health = tick?.health ?? bot.status?.health ?? null;
  const href = `/bots/${encodeURIComponent(bot.id)}`;
  return (
    <Card
      title={<Link to={href} className="text-sky-800 hover:underline">{bot.name} <span className="text-slate-500">({bot.id})</span></Link>}
      actions={<><Badge>{bot.mode}</Badge><Badge>{bot.state}</Badge>{halted && <Badge kind="halted">halted</Badge>}</>}
    >
      <div className="grid grid-cols-2 gap-3 sm:grid-cols-4" data-testid={`bot-${bot.id}`}>
        <Stat label="Equity" value={<span data-testid="equity">{fmtMoney(equity)}</span>} />
        <Stat label="PnL today" value={fmtSigned(pnlToday)} className={pnlClass(pnlToday)} />
        <Stat label="PnL total" value={fmtSigned(pnlTotal)} className={pnlClass(pnlTotal)} />
        <Stat label="Gross exposure" value={fmtMoney(gross)} />
        <Stat label="Positions" value={<span data-testid="position-count">{positions?.length ?? a?.openPositions ?? bot.status?.positions.length ?? '—'}</span>} />
        <Stat label="Open orders" value={tick?.openOrders ?? a?.openOrders ?? bot.status?.openOrders ?? '—'} />
        <Stat label="Breakers" value={<span data-testid="tripped">{tripped.length === 0 ? 'none tripped' : tripped.map((t) => t.breaker).join(', ')}</span>} className={tripped.length === 0 ? 'text-slate-600' : 'text-rose-700'} />
        <Stat label="Strategy errors" value={bot.status?.strategyErrors.length ?? 0} className={(bot.status?.strategyErrors.length ?? 0) > 0 ? 'text-rose-700' : ''} />
        <Stat label="Data" value={<DataAge health={health} />} />
        <Stat label="Venue" value={<VenueState health={health} mode={bot.mode} />} />
      </div>
      {bot.error !== null && <p className="mt-3 text-sm text-rose-700">{bot.error}</p>}
      <div className="mt-3">
        <Link to={href} className="text-sm font-medium text-sky-800 underline-offset-2 hover:underline focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-500">
          Open<span className="sr-only"> {bot.name}</span><span aria-hidden="true"> →</span>
        </Link>
      </div>
    </Card>
  );
}
