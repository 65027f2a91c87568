// Runs tiny scripted strategies through the real BacktestNode (kernel + simulated venue + portfolio).
import { BarSeries, type Bar } from '../../src/model/bar.ts';
import type { EngineEvent, OrderEvent } from '../../src/model/events.ts';
import type { Instrument } from '../../src/model/instrument.ts';
import type { Order } from '../../src/model/order.ts';
import { BacktestNode, type BacktestConfig, type BacktestOutput } from '../../src/engine/backtest-node.ts';
import type { Kernel } from '../../src/engine/kernel.ts';
import type { StrategyContext } from '../../src/strategies/context.ts';
import { Strategy } from '../../src/strategies/strategy.ts';

/** What a scripted strategy does on bar `i` (the index of the bar within its own series). */
export type Step = (ctx: StrategyContext, bar: Bar, i: number, kernel: Kernel) => void;

/** A strategy that runs `steps[i]` on bar i (or `every` on every bar) and remembers what it saw. */
export class ScriptStrategy extends Strategy {
  readonly seen: { symbol: string; tsMs: number; close: number }[] = [];
  readonly events: OrderEvent[] = [];
  /** Set by `runScript` before the run, for steps that inspect engine state. */
  kernel!: Kernel;
  constructor(
    readonly steps: Readonly<Record<number, Step>> = {},
    readonly every?: Step,
  ) {
    super({});
  }
  override onBar(bar: Bar, ctx: StrategyContext): void {
    const i = ctx.history(bar.symbol).length - 1;
    this.seen.push({ symbol: bar.symbol, tsMs: bar.tsEventMs, close: bar.close });
    this.every?.(ctx, bar, i, this.kernel);
    this.steps[i]?.(ctx, bar, i, this.kernel);
  }
  override onOrderEvent(event: OrderEvent): void {
    this.events.push(event);
  }
}

export interface ScenarioOptions extends Omit<BacktestConfig, 'series' | 'strategies' | 'instruments'> {
  readonly instruments?: readonly Instrument[];
  /** Allow the script to throw (by default a throw, e.g. a failed expect inside a step, fails the test). */
  readonly allowStrategyErrors?: boolean;
}

export interface ScenarioResult {
  readonly out: BacktestOutput;
  readonly kernel: Kernel;
  readonly events: EngineEvent[];
  readonly strategy: ScriptStrategy;
  /** Orders in creation order (O-1, O-2, ...). */
  readonly orders: readonly Order[];
  /** The order with this id (throws when missing). */
  order(id: string): Order;
  /** Event types of one order, in order. */
  typesOf(id: string): string[];
}

/** Runs `steps` (by bar index, or one function for every bar) over `data` (one series or several). */
export function runScript(data: BarSeries | readonly BarSeries[], steps: Readonly<Record<number, Step>> | Step, opts: ScenarioOptions = {}): ScenarioResult {
  const strategy = typeof steps === 'function' ? new ScriptStrategy({}, steps) : new ScriptStrategy(steps);
  const events: EngineEvent[] = [];
  const node = new BacktestNode({
    ...opts,
    series: data instanceof BarSeries ? [data] : data,
    strategies: [{ strategy, id: 'script' }],
    onEvent: (e) => {
      events.push(e);
      opts.onEvent?.(e);
    },
  });
  strategy.kernel = node.kernel;
  const out = node.run();
  const kernel = out.kernel;
  if (!opts.allowStrategyErrors && kernel.strategyErrors.length > 0) {
    const first = kernel.strategyErrors[0]!;
    throw new Error(`scripted strategy failed at ${new Date(first.tsMs).toISOString()}: ${first.message}`);
  }
  return {
    out, kernel, events, strategy, orders: kernel.orders,
    order(id) {
      const o = kernel.orders.find((x) => x.id === id);
      if (o === undefined) throw new Error(`no order ${id}`);
      return o;
    },
    typesOf(id) {
      return events.filter((e) => e.type !== 'StrategyError' && e.type !== 'RiskEvent' && e.orderId === id).map((e) => e.type);
    },
  };
}

/** Fills of a result as compact tuples: [orderId, side, qty, price, tsMs]. */
export function fillRows(r: ScenarioResult): [string, string, number, number, number][] {
  return r.kernel.fills.map((f) => [f.orderId, f.side, f.qty, f.price, f.tsMs]);
}
