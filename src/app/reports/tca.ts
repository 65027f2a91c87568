// Best execution / transaction cost analysis per order (docs/compliance.md, "Best execution (TCA)"): the
// arrival price (the last close known when the order was created), the average fill, the implementation
// shortfall after Perold (1988) — execution cost on the filled part, opportunity cost on the unfilled part,
// plus fees — and the slippage against the VWAP of the order's period, from the bars of a data source.
import { toIso } from '../../core/time.ts';
import type { BarSeries } from '../../model/bar.ts';
import type { FillInput } from '../../store/store.ts';
import type { TcaDto, TcaOrderDto } from '../dto/reports.ts';
import { replaySourceOf, venueOfRun, type RunRecords } from './run-records.ts';

const TERMINAL = new Set(['filled', 'canceled', 'expired', 'rejected', 'denied']);
/** Statuses of orders that never reached a market. */
const NEVER_SENT = new Set(['denied', 'rejected', 'initialized']);
const EPS = 1e-9;

export interface TcaInput {
  readonly records: RunRecords;
  readonly series: readonly BarSeries[];
  /** The sources the bars came from (reported as is). */
  readonly data: readonly string[];
  /**
   * How long after its time label a bar's close is known: 0 for a replay (its clock follows the bars, so a
   * strategy decides on the bar labelled with the current time), one bar for a run on a real clock (a bar
   * labelled with its open time closes one bar later). Default: 0 for runs that store a replay source.
   */
  readonly closeLagBars?: number;
}

/** The nominal bar length of a series: its own, else the median gap of its first bars. */
function barMsOf(s: BarSeries): number {
  if (s.timeframeMs > 0) return s.timeframeMs;
  const gaps: number[] = [];
  for (let i = 1; i < Math.min(s.length, 101); i++) gaps.push(s.time[i]! - s.time[i - 1]!);
  gaps.sort((a, b) => a - b);
  return gaps[gaps.length >> 1] ?? 0;
}

/** Closes known at a time, and the bars that traded in a period, of one symbol's bars. */
class Market {
  readonly #s: BarSeries;
  readonly #lag: number;
  readonly #barMs: number;
  constructor(s: BarSeries, lagBars: number) {
    this.#s = s;
    this.#barMs = barMsOf(s);
    this.#lag = lagBars * this.#barMs;
  }
  /** The close of the last bar whose close was known at `ms`, or null. */
  closeKnownAt(ms: number): number | null {
    const i = this.#s.upperBound(ms - this.#lag) - 1;
    return i < 0 ? null : this.#s.close[i]!;
  }
  lastClose(): number | null {
    return this.#s.length === 0 ? null : this.#s.close[this.#s.length - 1]!;
  }
  /**
   * The volume-weighted typical price ((high + low + close) / 3) of the bars that closed after `fromMs` and
   * opened before `toMs`; their plain mean when they have no volume; null when there are none.
   */
  vwap(fromMs: number, toMs: number): number | null {
    const s = this.#s;
    const a = s.upperBound(fromMs - this.#lag);
    const b = s.lowerBound(toMs - this.#lag + this.#barMs);
    if (b <= a) return null;
    let pv = 0;
    let v = 0;
    let p = 0;
    for (let i = a; i < b; i++) {
      const tp = (s.high[i]! + s.low[i]! + s.close[i]!) / 3;
      pv += tp * s.volume[i]!;
      v += s.volume[i]!;
      p += tp;
    }
    return v > 0 ? pv / v : p / (b - a);
  }
}

export function buildTca(input: TcaInput): TcaDto {
  const { run, fills, orders, multipliers } = input.records;
  const venue = venueOfRun(run);
  const lagBars = input.closeLagBars ?? (replaySourceOf(run) !== null || run.kind === 'backtest' ? 0 : 1);
  const markets = new Map(input.series.map((s) => [s.symbol, new Market(s, lagBars)]));
  const byOrder = new Map<string, FillInput[]>();
  for (const f of fills) {
    const list = byOrder.get(f.orderId);
    if (list === undefined) byOrder.set(f.orderId, [f]);
    else list.push(f);
  }
  const rows: TcaOrderDto[] = [];
  let unfilledOrders = 0;
  for (const o of orders) {
    const fs = byOrder.get(o.clientOrderId);
    if (fs === undefined) {
      if (!NEVER_SENT.has(o.status)) unfilledOrders++;
      continue;
    }
    const m = multipliers.get(o.symbol) ?? 1;
    const sign = o.side === 'buy' ? 1 : -1;
    let filled = 0;
    let value = 0;
    let fees = 0;
    let lastMs = -Infinity;
    for (const f of fs) {
      filled += f.qty;
      value += f.qty * f.price;
      fees += f.commission;
      lastMs = Math.max(lastMs, f.tsMs);
    }
    const avg = value / filled;
    const market = markets.get(o.symbol);
    const arrival = market?.closeKnownAt(o.createdMs) ?? null;
    const vwap = market?.vwap(o.createdMs, lastMs) ?? null;
    const unfilled = o.qty - filled > EPS ? o.qty - filled : 0;
    const endPrice = unfilled === 0 || market === undefined ? null : TERMINAL.has(o.status) ? market.closeKnownAt(o.updatedMs) : market.lastClose();
    const executionCost = arrival === null ? null : sign * (avg - arrival) * filled * m;
    const opportunityCost = unfilled === 0 ? 0 : arrival === null || endPrice === null ? null : sign * (endPrice - arrival) * unfilled * m;
    const shortfall = executionCost === null || opportunityCost === null ? null : executionCost + opportunityCost + fees;
    const paperNotional = arrival === null ? 0 : o.qty * arrival * m;
    rows.push({
      account: run.id, strategy: o.strategyId, clientOrderId: o.clientOrderId, symbol: o.symbol, side: o.side, type: o.type, status: o.status,
      createdTime: toIso(o.createdMs), lastFillTime: toIso(lastMs), quantity: o.qty, filledQuantity: filled, fills: fs.length, multiplier: m,
      arrivalPrice: arrival, averageFillPrice: avg, periodVwap: vwap, endPrice, executionCost, opportunityCost, fees, implementationShortfall: shortfall,
      implementationShortfallBps: shortfall === null || paperNotional === 0 ? null : (shortfall / paperNotional) * 1e4,
      arrivalSlippageBps: arrival === null || arrival === 0 ? null : ((sign * (avg - arrival)) / arrival) * 1e4,
      vwapSlippageBps: vwap === null || vwap === 0 ? null : ((sign * (avg - vwap)) / vwap) * 1e4,
      venue,
    });
  }
  return { report: 'tca', account: run.id, venue, data: [...input.data], orders: rows, unfilledOrders, totals: tcaTotals(rows) };
}

/** Sums over the costed orders (those with an arrival price), and the weighted averages. */
export function tcaTotals(rows: readonly TcaOrderDto[]): TcaDto['totals'] {
  let filledNotional = 0;
  let executionCost = 0;
  let opportunityCost = 0;
  let fees = 0;
  let shortfall = 0;
  let paper = 0;
  let vwapWeighted = 0;
  let vwapNotional = 0;
  let withoutArrival = 0;
  for (const r of rows) {
    const notional = r.filledQuantity * r.averageFillPrice * r.multiplier;
    filledNotional += notional;
    fees += r.fees;
    if (r.vwapSlippageBps !== null) {
      vwapWeighted += r.vwapSlippageBps * notional;
      vwapNotional += notional;
    }
    if (r.implementationShortfall === null || r.arrivalPrice === null) {
      withoutArrival++;
      continue;
    }
    executionCost += r.executionCost!;
    opportunityCost += r.opportunityCost!;
    shortfall += r.implementationShortfall;
    paper += r.quantity * r.arrivalPrice * r.multiplier;
  }
  return {
    orders: rows.length, filledNotional, executionCost, opportunityCost, fees, implementationShortfall: shortfall,
    implementationShortfallBps: paper > 0 ? (shortfall / paper) * 1e4 : null,
    vwapSlippageBps: vwapNotional > 0 ? vwapWeighted / vwapNotional : null,
    withoutArrival,
  };
}

export const TCA_COLUMNS = [
  'account', 'strategy', 'clientOrderId', 'symbol', 'side', 'type', 'status', 'createdTime', 'lastFillTime', 'quantity', 'filledQuantity', 'fills', 'multiplier',
  'arrivalPrice', 'averageFillPrice', 'periodVwap', 'endPrice', 'executionCost', 'opportunityCost', 'fees', 'implementationShortfall',
  'implementationShortfallBps', 'arrivalSlippageBps', 'vwapSlippageBps', 'venue',
] as const satisfies readonly (keyof TcaOrderDto)[];
