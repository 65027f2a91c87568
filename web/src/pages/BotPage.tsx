// One bot (/bots/:id): its figures, equity curve and drawdown, positions, working orders, fills and trades,
// circuit breakers, a manual order ticket, the operator's commands and the kill switch; all kept current by
// the WebSocket (useBotData). What the user's scope cannot do is not offered.
import { Link, useParams } from 'react-router';
import { useSession } from '../api/session';
import type { Bot } from '../api/types';
import { Badge, ErrorNote, PageTitle, Stat } from '../components/ui';
import { fmtMoney, fmtSigned, pnlClass } from '../lib/format';
import { FillsCard, TradesCard } from './bot/ActivityCard';
import { BotControls } from './bot/BotControls';
import { BreakersCard } from './bot/BreakersCard';
import { EquityCard } from './bot/EquityCard';
import { DataAge, VenueState } from './bot/health';
import { KillSwitch } from './bot/KillSwitch';
import { OrdersCard } from './bot/OrdersCard';
import { OrderTicket } from './bot/OrderTicket';
import { PositionsCard } from './bot/PositionsCard';
import { useBotData, type BotData } from './bot/useBotData';

export function BotPage() {
  const { id = '' } = useParams();
  const d = useBotData(id);
  const { can } = useSession();
  const bot = d.bot.data;
  if (bot === undefined || bot.id !== id) {
    return (
      <>
        <PageTitle>Bot {id}</PageTitle>
        <ErrorNote error={d.bot.error} />
        {d.bot.error === null ? <p className="text-sm text-slate-500">Loading…</p> : <Link to="/" className="text-sm text-sky-800 underline">Back to the overview</Link>}
      </>
    );
  }
  const canTrade = can('trade');
  const running = bot.state === 'running';
  const halted = d.tick?.halted ?? bot.status?.halted ?? d.risk.data?.halted ?? false;
  const strategies = strategyNames(bot);
  const symbols = [...new Set([...configSymbols(bot), ...(d.positions.data ?? []).map((p) => p.symbol), ...(d.orders.data ?? []).map((o) => o.symbol)])];
  const reloadAfterCommand = (): void => {
    d.bot.reload();
    d.risk.reload();
    d.reloadOrders();
  };
  return (
    <>
      <PageTitle actions={<BotControls bot={bot} halted={halted} canTrade={canTrade} canStart={bot.mode === 'live' ? can('admin') : canTrade} onDone={reloadAfterCommand} />}>
        <span className="flex flex-wrap items-center gap-2">
          <span>{bot.name}</span>
          <span className="text-base font-normal text-slate-500">({bot.id})</span>
          <Badge>{bot.mode}</Badge>
          <span data-testid="bot-state"><Badge>{bot.state}</Badge></span>
          {halted && <span data-testid="halted"><Badge kind="halted">halted</Badge></span>}
        </span>
      </PageTitle>
      {bot.error !== null && <p className="mb-3 text-sm text-rose-700">{bot.error}</p>}
      <Figures d={d} bot={bot} />
      <div className="mt-4 grid grid-cols-1 gap-4 lg:grid-cols-3">
        <div className="flex min-w-0 flex-col gap-4 lg:col-span-2">
          <EquityCard points={d.points} />
          <PositionsCard positions={d.positions.data} error={d.positions.error} />
          <OrdersCard id={id} orders={d.orders.data} error={d.orders.error} canTrade={canTrade} running={running} onChanged={d.reloadOrders} />
        </div>
        <div className="flex min-w-0 flex-col gap-4">
          {canTrade && running && <OrderTicket id={id} strategies={strategies} symbols={symbols} onSent={d.reloadOrders} />}
          <BreakersCard id={id} risk={d.risk.data} error={d.risk.error} canTrade={canTrade} running={running} onChanged={d.reloadRisk} />
          {canTrade && running && <KillSwitch id={id} onDone={reloadAfterCommand} />}
        </div>
      </div>
      <div className="mt-4 grid grid-cols-1 gap-4">
        <FillsCard fills={d.fills.data} error={d.fills.error} />
        <TradesCard trades={d.trades.data} error={d.trades.error} />
      </div>
    </>
  );
}

/** The bot's figures now: the account as read, moved on by each second's equity and each positions update. */
function Figures({ d, bot }: { d: BotData; bot: Bot }) {
  const a = d.account.data;
  const equity = d.tick?.equity ?? a?.equity ?? bot.status?.equity ?? null;
  const pnlToday = a?.pnlToday == null || a.equity == null || equity === null ? a?.pnlToday ?? null : a.pnlToday + (equity - a.equity);
  const pnlTotal = a?.startingCash == null || equity === null ? a?.pnlTotal ?? null : equity - a.startingCash;
  const positions = d.positions.data;
  const gross = positions === undefined ? a?.grossExposure ?? null : positions.reduce((s, p) => s + Math.abs(p.qty * (p.lastPrice ?? p.avgPrice)), 0);
  const health = d.tick?.health ?? bot.status?.health ?? null;
  return (
    <section aria-label="Figures" className="grid grid-cols-2 gap-3 rounded-lg border border-slate-200 bg-white p-4 shadow-sm sm:grid-cols-4 lg:grid-cols-8" data-testid="figures">
      <Stat label="Equity" value={<span data-testid="equity">{fmtMoney(equity)}</span>} />
      <Stat label="Cash" value={fmtMoney(d.tick?.cash ?? a?.cash)} />
      <Stat label="PnL today" value={fmtSigned(pnlToday)} className={pnlClass(pnlToday)} />
      <Stat label="PnL total" value={fmtSigned(pnlTotal)} className={pnlClass(pnlTotal)} />
      <Stat label="Gross exposure" value={fmtMoney(gross)} />
      <Stat label="Open orders" value={<span data-testid="open-order-count">{d.tick?.openOrders ?? d.orders.data?.length ?? '—'}</span>} />
      <Stat label="Data" value={<DataAge health={health} />} />
      <Stat label="Venue" value={<VenueState health={health} mode={bot.mode} />} />
    </section>
  );
}

function strategyNames(bot: Bot): string[] {
  const s = bot.config.strategies;
  return Array.isArray(s) ? s.map((x) => String((x as { name?: unknown }).name ?? '')).filter((n) => n !== '') : [];
}

function configSymbols(bot: Bot): string[] {
  const s = bot.config.symbols;
  return Array.isArray(s) ? s.filter((x): x is string => typeof x === 'string') : [];
}
