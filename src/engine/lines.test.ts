import { describe, expect, it } from 'vitest';
import { randomWalk } from '../../test/helpers/bars.ts';
import { ConfigError } from '../core/errors.ts';
import { computeIndicator } from '../indicators/run.ts';
import type { Bar, BarSeries } from '../model/bar.ts';
import { SmaCross } from '../strategies/builtin/sma-cross.ts';
import type { Line, StrategyContext } from '../strategies/context.ts';
import { Strategy } from '../strategies/strategy.ts';
import { BacktestNode } from './backtest-node.ts';

type Spec = readonly [name: string, params: Record<string, unknown>, output?: string];

/** Records, at every bar, each line's value and its value one bar back. */
class Recorder extends Strategy<Record<string, never>> {
  readonly values: (number | null)[][] = [];
  readonly previous: (number | null)[][] = [];
  #lines: Line[] | undefined;
  constructor(
    readonly specs: readonly Spec[],
    readonly fromBar = 0,
  ) {
    super({});
  }
  #n = 0;
  override onBar(bar: Bar, ctx: StrategyContext): void {
    if (this.#n++ < this.fromBar) return;
    this.#lines ??= this.specs.map(([name, params, output]) => ctx.indicator(bar.symbol, name, params, output));
    this.values.push(this.#lines.map((l) => l.value));
    this.previous.push(this.#lines.map((l) => l.ago(1)));
  }
}

function record(s: BarSeries, specs: readonly Spec[], lines: 'whole-series' | 'streaming', fromBar = 0): Recorder {
  const strategy = new Recorder(specs, fromBar);
  new BacktestNode({ series: [s], strategies: [{ strategy }], lines }).run();
  return strategy;
}

const SPECS: readonly Spec[] = [
  ['sma', { period: 10 }],
  ['ema', { period: 12 }],
  ['rsi', { period: 14 }],
  ['macd', {}, 'signal'],
  ['atr', { period: 14 }],
  ['bbands', { period: 20, source: 'hlc3' }, 'upper'],
  ['vwap', {}],
  ['kama', { period: 10 }],
];

describe('indicator lines', () => {
  const s = randomWalk(400, 11);

  it('give the same values computed up front as folded bar by bar, equal to the batch indicator', () => {
    const whole = record(s, SPECS, 'whole-series');
    const streaming = record(s, SPECS, 'streaming');
    expect(whole.values.length).toBe(s.length);
    expect(whole.values).toEqual(streaming.values);
    expect(whole.previous).toEqual(streaming.previous);
    SPECS.forEach(([name, params, output], k) => {
      const col = computeIndicator(name, params, s).columns[output ?? 'value']!;
      const expected = Array.from(col, (v) => (Number.isNaN(v) ? null : v));
      expect(whole.values.map((row) => row[k])).toEqual(expected);
      expect(whole.previous.map((row) => row[k])).toEqual([null, ...expected.slice(0, -1)]);
    });
    // The test would be empty if every line stayed in warm-up.
    expect(whole.values.at(-1)!.every((v) => v !== null)).toBe(true);
  });

  it('never read past the current bar: each value equals the indicator on the data up to that bar', () => {
    const whole = record(s, SPECS, 'whole-series');
    for (const t of [0, 9, 33, 199, 399]) {
      const cut = record(s.slice(0, t + 1), SPECS, 'whole-series');
      expect(whole.values[t]).toEqual(cut.values[t]);
    }
  });

  it('made before the first bar (onStart), a line reads null there, then the same values either way', () => {
    class Early extends Strategy<Record<string, never>> {
      readonly seen: (number | null | undefined)[] = [];
      #line: Line | undefined;
      constructor() {
        super({});
      }
      override onStart(ctx: StrategyContext): void {
        this.#line = ctx.indicator(s.symbol, 'sma', { period: 3 });
        this.seen.push(this.#line.value, this.#line.ago(0));
      }
      override onBar(): void {
        this.seen.push(this.#line!.value);
      }
    }
    const run = (lines: 'whole-series' | 'streaming'): (number | null | undefined)[] => {
      const strategy = new Early();
      new BacktestNode({ series: [s], strategies: [{ strategy }], lines }).run();
      return strategy.seen;
    };
    const whole = run('whole-series');
    expect(whole.slice(0, 4)).toStrictEqual([null, null, null, null]);
    expect(whole[4]).toBe((s.close[0]! + s.close[1]! + s.close[2]!) / 3);
    expect(whole).toStrictEqual(run('streaming'));
  });

  it('made on a later bar, a folded line catches up on the bars before it', () => {
    const late = record(s, SPECS, 'streaming', 150);
    const whole = record(s, SPECS, 'whole-series');
    expect(late.values).toEqual(whole.values.slice(150));
  });

  it('name what is wrong: unknown indicator, two-series indicator, unknown output, bad ago, unknown symbol', () => {
    const attempt = (f: (ctx: StrategyContext, bar: Bar) => unknown): string => {
      class Probe extends Strategy<Record<string, never>> {
        error = '';
        constructor() {
          super({});
        }
        override onBar(bar: Bar, ctx: StrategyContext): void {
          if (this.error !== '') return;
          try {
            f(ctx, bar);
            this.error = 'none';
          } catch (e) {
            expect(e).toBeInstanceOf(ConfigError);
            this.error = (e as Error).message;
          }
        }
      }
      const p = new Probe();
      new BacktestNode({ series: [s], strategies: [{ strategy: p }] }).run();
      return p.error;
    };
    expect(attempt((ctx, b) => ctx.indicator(b.symbol, 'nope'))).toMatch(/unknown indicator "nope"; known: .*sma/);
    expect(attempt((ctx, b) => ctx.indicator(b.symbol, 'correlation'))).toMatch(/reads two series/);
    expect(attempt((ctx, b) => ctx.indicator(b.symbol, 'macd', {}, 'hist'))).toMatch(/no output "hist"; it has macd, signal, histogram/);
    expect(attempt((ctx, b) => ctx.indicator(b.symbol, 'sma', { period: 0 }))).toMatch(/sma/);
    expect(attempt((ctx, b) => ctx.indicator(b.symbol, 'sma').ago(-1))).toMatch(/whole number of bars back/);
    expect(attempt((ctx) => ctx.indicator('ZZZ', 'sma'))).toMatch(/unknown symbol "ZZZ"/);
  });

  it('sma-cross trades the same whether its lines are computed up front or folded bar by bar', () => {
    for (const seed of [1, 2, 3]) {
      const data = [randomWalk(3000, seed, { symbol: 'A' }), randomWalk(3000, seed + 10, { symbol: 'B' })];
      const run = (lines: 'whole-series' | 'streaming') =>
        new BacktestNode({ series: data, lines, strategies: [{ strategy: new SmaCross({ fast: 10, slow: 30 }) }] }).run().kernel.fills.toArray();
      const whole = run('whole-series');
      expect(whole.length).toBeGreaterThan(20);
      expect(run('streaming')).toEqual(whole);
    }
  });
});
