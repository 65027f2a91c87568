// The per-bot metric families read at scrape time: gauges from the bot's status and account, counters
// from what its watch counted. Each is labelled `bot`, plus at most one label with a closed set of
// values. docs/prometheus-metrics.md describes every family; keep the two in step.
import type { ConnectionState } from '../../execution/execution-client.ts';
import type { BotSnapshot, BotWatch } from './bot-watch.ts';

const CONNECTION_STATES: readonly ConnectionState[] = ['disconnected', 'connecting', 'connected', 'reconnecting'];

type Labels = Readonly<Record<string, string>>;
export type Row = readonly [Labels, number];

export interface CollectedFamily {
  readonly name: string;
  readonly help: string;
  readonly type: 'gauge' | 'counter';
  /** Labels besides `bot`. */
  readonly labels: readonly string[];
  readonly read: (s: BotSnapshot, w: BotWatch) => readonly Row[];
}

const one = (v: number | null): readonly Row[] => (v !== null && Number.isFinite(v) ? [[{}, v]] : []);
const each = <K extends string>(label: string, m: ReadonlyMap<K, number> | Iterable<readonly [K, number]>): readonly Row[] => [...m].map(([k, v]) => [{ [label]: k }, v] as const);

const gauge = (name: string, help: string, read: (s: BotSnapshot, w: BotWatch) => number | null): CollectedFamily => ({ name, help, type: 'gauge', labels: [], read: (s, w) => one(read(s, w)) });
const counter = (name: string, help: string, read: (s: BotSnapshot, w: BotWatch) => number): CollectedFamily => ({ name, help, type: 'counter', labels: [], read: (s, w) => one(read(s, w)) });

export const BOT_FAMILIES: readonly CollectedFamily[] = [
  // ---- account ----
  gauge('sextant_account_equity', 'Account equity: cash plus the marked value of open positions, in the account currency.', (s) => s.status.equity),
  gauge('sextant_account_cash', 'Free cash of the account, in the account currency.', (s) => s.status.cash),
  gauge('sextant_account_equity_peak', 'Highest account equity seen since the bot was attached (starting cash included), in the account currency.', (s) => s.peakEquity),
  gauge('sextant_drawdown_ratio', 'Drawdown from the running equity peak: (peak - equity) / peak, 0 at a new high.', (s) => s.drawdown),
  gauge('sextant_exposure_gross', 'Sum of the absolute marked values of open positions, in the account currency.', (s) => s.grossExposure),
  gauge('sextant_exposure_net', 'Sum of the signed marked values of open positions (long minus short), in the account currency.', (s) => s.netExposure),
  gauge('sextant_pnl', 'Equity minus starting cash, in the account currency.', (s) => s.status.pnl),
  gauge('sextant_pnl_realized', 'Realized PnL of closed position parts, gross of commissions, in the account currency.', (s) => s.realizedPnl),
  gauge('sextant_pnl_unrealized', 'Unrealized PnL of open positions at their last price, in the account currency.', (s) => s.unrealizedPnl),
  gauge('sextant_pnl_daily', 'Equity minus the day\'s starting equity (the last equity before the day began on the node\'s clock, UTC or the daily-loss breaker\'s day), in the account currency.', (s) => s.dailyPnl),
  gauge('sextant_daily_loss_ratio', 'The day\'s loss as a fraction of the day\'s starting equity: (start - equity) / start, 0 on a gain.', (s) => s.dailyLossRatio),
  counter('sextant_commissions_total', 'Commissions paid, in the account currency.', (s) => s.commissions),
  gauge('sextant_positions_open', 'Open positions (symbols with a non-zero quantity).', (s) => s.status.positions.length),
  gauge('sextant_orders_open', 'Working orders (accepted by the venue, not yet finished).', (s) => s.status.openOrders),
  // ---- orders and fills (events on the node bus since the bot was attached) ----
  counter('sextant_orders_submitted_total', 'Orders sent towards the venue (OrderSubmitted events), resubmissions after a restart included.', (_s, w) => w.orders.submitted),
  counter('sextant_orders_accepted_total', 'Orders the venue accepted (OrderAccepted events).', (_s, w) => w.orders.accepted),
  counter('sextant_orders_filled_total', 'Orders filled completely.', (_s, w) => w.orders.filled),
  counter('sextant_orders_canceled_total', 'Orders canceled (by a strategy, the operator, a breaker or the venue).', (_s, w) => w.orders.canceled),
  counter('sextant_orders_rejected_total', 'Orders the venue refused (OrderRejected events).', (_s, w) => w.orders.rejected),
  counter('sextant_orders_expired_total', 'Orders expired by their time in force.', (_s, w) => w.orders.expired),
  { name: 'sextant_orders_denied_total', help: 'Orders denied before reaching the venue, by the code of the denial reason (pre-trade check, kill-switch, allocation, circuit-breaker; other).', type: 'counter', labels: ['reason'], read: (_s, w) => each('reason', w.denied) },
  counter('sextant_fills_total', 'Fills (executions, partial ones included).', (_s, w) => w.fills),
  counter('sextant_traded_notional_total', 'Traded value of all fills: quantity x price x multiplier, in the account currency.', (_s, w) => w.notional),
  // ---- risk ----
  gauge('sextant_halted', '1 while the operator kill switch halts the bot (new orders denied), else 0.', (s) => (s.status.halted ? 1 : 0)),
  { name: 'sextant_breaker_tripped', help: '1 while the circuit breaker is tripped, 0 after its reset; a breaker appears at its first trip.', type: 'gauge', labels: ['breaker'], read: (_s, w) => each('breaker', [...w.breakers].map(([k, b]) => [k, b.tripped ? 1 : 0] as const)) },
  { name: 'sextant_breaker_trips_total', help: 'Circuit breaker trips.', type: 'counter', labels: ['breaker'], read: (_s, w) => each('breaker', [...w.breakers].map(([k, b]) => [k, b.trips] as const)) },
  { name: 'sextant_breaker_limit_ratio', help: 'Loss limit of a configured equity breaker as a fraction: daily-loss (of the day\'s starting equity), max-drawdown (of the equity peak); absent when not configured.', type: 'gauge', labels: ['breaker'], read: (_s, w) => each('breaker', w.limits) },
  counter('sextant_strategy_errors_total', 'Strategies stopped after throwing, in this process.', (s) => s.status.strategyErrors.length),
  // ---- market data ----
  counter('sextant_bars_total', 'Bars the node traded on (warm-up bars not included).', (s) => s.status.barsSeen),
  gauge('sextant_data_staleness_seconds', 'Node clock minus the close time of the stalest symbol\'s last bar; absent before the first bar.', (s) => s.stalenessSeconds),
  gauge('sextant_data_session_staleness_seconds', 'Like sextant_data_staleness_seconds over the symbols whose market is in session, each from the later of its last bar\'s close and the session\'s opening; 0 while no market is open.', (s) => s.sessionStalenessSeconds),
  gauge('sextant_bar_interval_seconds', 'Bar length of the traded symbols (the longest), in seconds; 0 when unknown.', (_s, w) => w.barSeconds),
  // ---- venue ----
  { name: 'sextant_venue_connection_state', help: 'The broker link\'s state: 1 for the current state, 0 for the others; absent for paper bots.', type: 'gauge', labels: ['state'], read: (s) => connection(s.status.venue?.connection ?? null) },
  { name: 'sextant_venue_errors_total', help: 'Venue and market-data errors by kind: order_rejected, command_rejected, connection_lost, feed_*.', type: 'counter', labels: ['kind'], read: (s, w) => each('kind', venueErrors(s, w)) },
  counter('sextant_venue_commands_rejected_total', 'Commands the broker refused without touching the order (a cancel of a finished order, a duplicate id).', (s) => s.status.venue?.rejectedCommands ?? 0),
  { name: 'sextant_reconnects_total', help: 'Reconnections of a link after it had been connected: venue (the broker link, sampled) or feed (market data status events).', type: 'counter', labels: ['link'], read: (_s, w) => each('link', Object.entries(w.reconnects)) },
  { name: 'sextant_reconciliation_corrections_total', help: 'Corrections made when the bot started: venue (start-up reconciliation actions with the broker) or positions (stored positions that disagreed with the fills).', type: 'counter', labels: ['source'], read: (s) => each('source', corrections(s)) },
  counter('sextant_bus_messages_dropped_total', 'Messages the node bus dropped from a full subscriber queue (metrics, store writer, API fan-out).', (_s, w) => w.droppedMessages()),
];

function connection(state: ConnectionState | null): readonly Row[] {
  return state === null ? [] : CONNECTION_STATES.map((c) => [{ state: c }, c === state ? 1 : 0] as const);
}

/** Command rejections come from the status (they never reach the bus); the rest from the watch. */
function venueErrors(s: BotSnapshot, w: BotWatch): Map<string, number> {
  const m = new Map<string, number>(w.venueErrors);
  m.set('command_rejected', s.status.venue?.rejectedCommands ?? 0);
  return m;
}

/**
 * The start-up reconciliation's report has one line per action or mismatch, or the single line saying
 * the venue agrees with the store (not a correction).
 */
function corrections(s: BotSnapshot): [string, number][] {
  const out: [string, number][] = [];
  const lines = s.status.venue?.reconciliation ?? [];
  if (s.status.venue !== null) out.push(['venue', lines.length === 1 && lines[0]!.includes(' agrees with the store') ? 0 : lines.length]);
  if (s.status.restored !== null) out.push(['positions', s.status.restored.mismatches]);
  return out;
}
