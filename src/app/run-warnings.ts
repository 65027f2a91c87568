// Warnings about a run that did nothing useful: each names the cause and the fix (report `warnings`,
// printed by the CLI). They are read from what the run did, never guessed from a strategy's name.
import { toIso } from '../core/time.ts';
import type { BarSeries } from '../model/bar.ts';
import type { Instrument } from '../model/instrument.ts';
import type { BacktestOutput } from '../engine/backtest-node.ts';
import type { StrategyClass } from '../strategies/strategy.ts';
import type { RunWarningDto } from './dto/run-report.ts';

/** Stable code (warmup-exceeds-data, needs-order-book, short-needs-margin, orders-sized-to-zero, strategy-error) and message. */
export type RunWarning = RunWarningDto;

export interface WarningInput {
  readonly strategy: string;
  readonly cls: StrategyClass<object>;
  readonly config: object;
  readonly out: BacktestOutput;
  readonly series: readonly BarSeries[];
  readonly instruments: readonly Instrument[];
  readonly account: 'cash' | 'margin';
  readonly sizeText: string;
  readonly cash: number;
}

/** Integer params whose names say "bars of history" (period, window, lookback, slow, fast, length). */
const LOOKBACK_PARAM = /(^|[a-z])(period|window|lookback|slow|fast|length)$/i;

/**
 * Bars a strategy needs before it can act: its class's own `warmupBars(config)` when it has one, else the
 * largest look-back param (a lower bound: an SMA(30) is ready at bar 30, a cross one bar later).
 */
export function warmupOf(cls: StrategyClass<object>, config: object): { bars: number; param: string | null } {
  const own = (cls as unknown as { warmupBars?: (c: object) => number }).warmupBars;
  if (typeof own === 'function') return { bars: own(config), param: null };
  let best = { bars: 0, param: null as string | null };
  for (const [k, v] of Object.entries(config)) {
    if (typeof v === 'number' && Number.isInteger(v) && v > best.bars && LOOKBACK_PARAM.test(k)) best = { bars: v, param: `${k}=${v}` };
  }
  return best;
}

export function runWarnings(w: WarningInput): RunWarning[] {
  const out: RunWarning[] = [];
  const k = w.out.kernel;
  // Orders made, including those denied, rejected or sized to nothing.
  const ordered = k.orders.length > 0 || k.zeroSized > 0;
  const traded = k.fills.length > 0;

  const shortest = w.series.reduce((m, s) => (s.length < m.length ? s : m), w.series[0]!);
  const warmup = warmupOf(w.cls, w.config);
  if (!ordered && shortest !== undefined && warmup.bars >= shortest.length) {
    out.push({
      code: 'warmup-exceeds-data',
      message: `${w.strategy} needs at least ${warmup.bars} bars to warm up${warmup.param === null ? '' : ` (${warmup.param})`}, but ${shortest.symbol} has ${shortest.length} bars in this run, so the strategy never became ready and made no orders. Use more data (a wider --from/--to, a finer --timeframe) or shorter periods (--param).`,
    });
  }

  const proto = w.cls.prototype as { onBook?: unknown; onQuote?: unknown; onTrade?: unknown };
  if (!ordered && typeof proto.onBook === 'function') {
    out.push({
      code: 'needs-order-book',
      message: `${w.strategy} trades on L2 order-book snapshots (onBook) and ignores bars; this run has bars only, so it never traded. Run it on order-book data (BacktestNode ticks, e.g. generateL2; docs/strategies.md) or pick a bar strategy (sextant strategies).`,
    });
  }

  const shorts = k.rejections.filter((r) => /short sale|short selling/.test(r.reason));
  if (w.account === 'cash' && shorts.length > 0) {
    out.push({
      code: 'short-needs-margin',
      message: `${w.strategy} tried to sell short ${shorts.length} time${shorts.length === 1 ? '' : 's'} (first ${shorts[0]!.symbol} at ${toIso(shorts[0]!.tsMs)}), and a cash account cannot short, so those orders were refused${traded ? '' : ' and nothing was traded'}. Use --account margin (with --leverage) for strategies that short, such as pairs.`,
    });
  }

  if (!traded && k.zeroSized > 0) out.push(zeroSizedWarning(w));

  for (const e of k.strategyErrors) {
    out.push({
      code: 'strategy-error',
      message: `strategy ${e.strategyId} threw at ${toIso(e.tsMs)} and was stopped (its working orders canceled; the run's results cover it only up to then): ${e.message}. Fix the strategy; the run counts as failed.`,
    });
  }
  return out;
}

function zeroSizedWarning(w: WarningInput): RunWarning {
  const n = w.out.kernel.zeroSized;
  const s = w.series[0]!;
  const inst = w.instruments.find((i) => i.symbol === s.symbol);
  let lo = Infinity;
  for (let i = 0; i < s.length; i++) if (s.close[i]! < lo) lo = s.close[i]!;
  const lot = inst?.lotSize ?? 1;
  const why = lot >= 1
    ? `${s.symbol} trades in whole units (lot ${lot}) and one unit${(inst?.multiplier ?? 1) === 1 ? '' : ` (multiplier ${inst!.multiplier})`} costs at least ${lo.toFixed(2)}, more than --size ${w.sizeText} of cash ${w.cash} may spend`
    : `with --size ${w.sizeText} of cash ${w.cash}, not even one lot of ${lot} of ${s.symbol} was affordable`;
  return {
    code: 'orders-sized-to-zero',
    message: `${n} order${n === 1 ? ' was' : 's were'} sized to 0 units, so nothing was traded: ${why}. Use --asset crypto (fractional units down to 1e-8), --instrument lot=<step> (e.g. lot=0.001), more --cash, or --size qty:<n>.`,
  };
}
