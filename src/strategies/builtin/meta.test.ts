import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../core/errors.ts';
import { Rng } from '../../core/rng.ts';
import { MS_PER_DAY } from '../../core/time.ts';
import { BacktestNode } from '../../engine/backtest-node.ts';
import { FractionCommission } from '../../execution/commission.ts';
import { BarSeries, type Bar } from '../../model/bar.ts';
import { T0 } from '../../../test/helpers/bars.ts';
import type { StrategyContext } from '../context.ts';
import { barTimes, findLookahead, type FillRunner } from '../lookahead.ts';
import { builtinStrategy } from '../builtin-classes.ts';
import { parseStrategyConfig } from '../registry.ts';
import type { Agent } from './meta-agents.ts';
import { MetaStrategy, type MetaParams } from './meta.ts';

const params = (p: Record<string, unknown>): MetaParams => parseStrategyConfig('meta', builtinStrategy('meta')!, p) as MetaParams;

/**
 * A market of alternating 200-bar blocks: a steady up-trend (log drift 0.3% a bar, noise 0.6%), then a
 * range where the log price mean-reverts fast to the level the block started at (AR(1), phi 0.3, noise
 * 1.5%). A moving-average crossover earns in the trends and whipsaws in the ranges; z-score mean
 * reversion earns in the ranges and is nearly always flat in the trends. `kind[i]`: 0 trend, 1 range.
 */
function plantedMarket(n: number, seed: number): { series: BarSeries; kind: Uint8Array } {
  const rng = new Rng(seed);
  const s = new BarSeries('X', n, MS_PER_DAY);
  const kind = new Uint8Array(n);
  let lp = Math.log(100);
  let level = lp;
  for (let i = 0; i < n; i++) {
    kind[i] = Math.floor(i / 200) % 2;
    if (i > 0 && kind[i] !== kind[i - 1]) level = lp;
    const prev = lp;
    lp = kind[i] === 0 ? lp + 0.003 + 0.006 * rng.normal() : level + 0.3 * (lp - level) + 0.015 * rng.normal();
    const open = Math.round(Math.exp(prev) * 100) / 100;
    const close = Math.round(Math.exp(lp) * 100) / 100;
    s.time[i] = T0 + i * MS_PER_DAY;
    s.open[i] = open;
    s.close[i] = close;
    s.high[i] = Math.max(open, close);
    s.low[i] = Math.min(open, close);
    s.volume[i] = 1e6;
  }
  return { series: s, kind };
}

/** The meta strategy, recording its weights and regime after every bar. */
class Recorded extends MetaStrategy {
  readonly weights: number[][] = [];
  readonly regimes: string[] = [];
  override onBar(bar: Bar, ctx: StrategyContext): void {
    super.onBar(bar, ctx);
    const b = this.book(bar.symbol);
    this.weights.push(Array.from(b.weights));
    this.regimes.push(b.regime);
  }
}

function backtest(strategy: MetaStrategy, series: readonly BarSeries[], accountType: 'cash' | 'margin' = 'cash') {
  const logs: string[] = [];
  const out = new BacktestNode({
    series, strategies: [{ strategy, id: 'meta' }], cash: 100_000, accountType, venue: { commission: new FractionCommission(0.0005) },
    log: (_id, message) => logs.push(message),
  }).run();
  expect(out.kernel.strategyErrors).toEqual([]);
  return { out, logs, final: out.kernel.portfolio.equity() };
}

/** The planted case: a trend agent and a reversion agent, regimes over 30 bars (the blocks are 200). */
const PLANTED = {
  agents: 'sma-cross,zscore-reversion', cashAgent: false, eta: 1, floor: 0.005, regimeRules: '{"trendWindow":30,"trendThreshold":0.05}',
};

describe('meta on a market whose winner changes with the regime', () => {
  const { series, kind } = plantedMarket(2400, 3);
  const meta = new Recorded(params(PLANTED));
  const hedge = backtest(meta, [series]);
  const equal = backtest(new MetaStrategy(params({ ...PLANTED, weighting: 'equal' })), [series]);
  const single = (name: string): number => backtest(new MetaStrategy(params({ ...PLANTED, agents: name })), [series]).final;

  /** Mean weight of the trend agent (sma-cross) over the bars from 400 on where `pick` holds. */
  const meanTrendWeight = (pick: (i: number) => boolean): { mean: number; bars: number } => {
    let s = 0;
    let bars = 0;
    for (let i = 400; i < series.length; i++) {
      if (!pick(i)) continue;
      s += meta.weights[i]![0]!;
      bars++;
    }
    return { mean: s / bars, bars };
  };

  it('backs the trend agent in the trending blocks and the reversion agent in the ranges', () => {
    const trend = meanTrendWeight((i) => kind[i] === 0);
    const range = meanTrendWeight((i) => kind[i] === 1);
    // Measured (seed 3): 0.85 in the trends, 0.35 in the ranges (seeds 1-7: 0.82-0.87 and 0.27-0.35);
    // equal weighting holds 0.5 in both.
    expect(trend.mean).toBeGreaterThan(0.75);
    expect(range.mean).toBeLessThan(0.4);
  });

  it('learns per regime label: bull_quiet goes to the trend agent, sideways_volatile to the reversion agent', () => {
    const bull = meanTrendWeight((i) => meta.regimes[i] === 'bull_quiet');
    const sideways = meanTrendWeight((i) => meta.regimes[i] === 'sideways_volatile');
    expect(bull.bars).toBeGreaterThan(500);
    expect(sideways.bars).toBeGreaterThan(500);
    // Measured (seed 3): 0.91 over 791 bull_quiet bars, 0.28 over 710 sideways_volatile bars (seeds 1-7: 0.90-0.92, 0.17-0.31).
    expect(bull.mean).toBeGreaterThan(0.85);
    expect(sideways.mean).toBeLessThan(0.35);
  });

  it('ends with more equity than the equal-weight mix of the same agents, and than either agent alone', () => {
    // Measured (seed 3): 100,000 -> 1,075,601 against 392,986 for the equal mix, 507,588 for sma-cross alone
    // and 242,114 for zscore-reversion alone (seeds 1-7: 2.6x to 3.7x the equal mix).
    expect(hedge.final).toBeGreaterThan(2 * equal.final);
    expect(equal.final).toBeGreaterThan(100_000);
    expect(hedge.final).toBeGreaterThan(single('sma-cross'));
    expect(hedge.final).toBeGreaterThan(single('zscore-reversion'));
  });

  it('logs each allocation change with the regime, the weights and the reason, to the strategy log', () => {
    const d = meta.decisions;
    expect(d.length).toBeGreaterThan(20);
    expect(hedge.logs).toEqual(d.map((e) => e.message));
    expect(d[0]!.reason).toBe('first decision in warmup; equal weights');
    for (const e of d) {
      expect(e.weights['sma-cross']! + e.weights['zscore-reversion']!).toBeCloseTo(1, 12);
      expect(e.signal).toBeCloseTo(e.weights['sma-cross']! * e.targets['sma-cross']! + e.weights['zscore-reversion']! * e.targets['zscore-reversion']!, 12);
      expect(e.message).toContain(` ${e.regime}: weights sma-cross ${e.weights['sma-cross']!.toFixed(2)}`);
      expect(e.message.endsWith(e.reason)).toBe(true);
    }
    // Between two logged decisions in one regime, some weight moved by at least logChange (0.1).
    for (let k = 1; k < d.length; k++) {
      if (d[k]!.regime !== d[k - 1]!.regime) continue;
      expect(Math.abs(d[k]!.weights['sma-cross']! - d[k - 1]!.weights['sma-cross']!)).toBeGreaterThanOrEqual(0.1);
    }
    // A change of regime is logged with the regime it came from; a move names the agent and its trailing return.
    expect(d.some((e) => /regime sideways_volatile \(was \w+\)/.test(e.reason))).toBe(true);
    expect(d.some((e) => /agent zscore-reversion: \d+-bar return [+-]\d+\.\d% in sideways_volatile; weight \d\.\d\d -> \d\.\d\d/.test(e.reason))).toBe(true);
    // Every bar's regime is in the log's timeline: a logged regime holds until the next entry.
    const times = Array.from(series.time);
    for (let k = 1; k < d.length; k++) {
      const from = times.indexOf(d[k - 1]!.timeMs);
      const to = times.indexOf(d[k]!.timeMs);
      for (let i = from; i < to; i++) expect(meta.regimes[i]).toBe(d[k - 1]!.regime);
    }
  });
});

describe('meta uses only the past', () => {
  const { series } = plantedMarket(600, 5);
  const make = (): MetaStrategy => new MetaStrategy(params({ ...PLANTED, band: 0.02, regimeRules: '{"trendWindow":20,"volLookback":60,"volMinHistory":30}' }));

  it('makes the same fills on the first k bars as on all of them (src/strategies/lookahead.ts)', () => {
    const run: FillRunner = (s) => backtest(make(), s, 'margin').out.kernel.fills.toArray();
    const cuts = [150, 251, 377, 480, 599];
    expect(run([series]).filter((f) => f.tsMs <= barTimes([series])[cuts[1]! - 1]!).length).toBeGreaterThanOrEqual(6);
    expect(findLookahead([series], cuts, run)).toEqual([]);
  });

  it('catches an agent that reads the close five bars ahead (the check is not vacuous for meta)', () => {
    /** Long when the close five bars on is higher (0 where the data ends): made from the data the run will see. */
    const peeker = (data: BarSeries) => (): Agent => {
      let i = 0;
      return {
        name: 'peeker',
        target: () => {
          const t = i + 5 < data.length && data.close[i + 5]! > data.close[i]! ? 1 : 0;
          i++;
          return t;
        },
      };
    };
    const run: FillRunner = (s) => backtest(new MetaStrategy(params({ ...PLANTED, band: 0.02 }), [peeker(s[0]!)]), s, 'margin').out.kernel.fills.toArray();
    expect(findLookahead([series], [150, 251, 377], run).length).toBeGreaterThan(0);
  });

  it('logs the same decisions up to bar k - 1 on the first k bars', () => {
    const full = make();
    backtest(full, [series]);
    for (const k of [90, 200, 333, 512]) {
      const cut = make();
      backtest(cut, [series.slice(0, k)]);
      const last = series.time[k - 1]!;
      expect(cut.decisions).toEqual(full.decisions.filter((d) => d.timeMs <= last));
    }
  });
});

/** An agent that gives a scripted target per bar, and holds the last one after the script. */
class ScriptedAgent implements Agent {
  #i = 0;
  constructor(
    readonly name: string,
    readonly script: readonly number[],
  ) {}
  target(): number {
    return this.script[Math.min(this.#i++, this.script.length - 1)]!;
  }
}

/** Flat bars at 100; a scripted agent beside an RSI agent that never trades on them, at equal weights: the signal is half the script. */
function scripted(script: number[], p: Record<string, unknown> = {}, accountType: 'cash' | 'margin' = 'cash') {
  const n = script.length + 2;
  const s = new BarSeries('X', n, MS_PER_DAY);
  for (let i = 0; i < n; i++) {
    s.time[i] = T0 + i * MS_PER_DAY;
    s.open[i] = s.high[i] = s.low[i] = s.close[i] = 100;
    s.volume[i] = 1e6;
  }
  const strategy = new MetaStrategy(params({ agents: 'rsi', cashAgent: false, weighting: 'equal', allocation: 1, ...p }), [() => new ScriptedAgent('script', script)]);
  const out = new BacktestNode({ series: [s], strategies: [{ strategy, id: 'meta' }], cash: 100_000, accountType }).run();
  expect(out.kernel.strategyErrors).toEqual([]);
  return out.kernel.fills.map((f) => `${(f.tsMs - T0) / MS_PER_DAY} ${f.side} ${f.qty}`);
}

describe('meta trades the combined target with a band', () => {
  it.each([
    // [the scripted agent's target per bar (the signal is half of it), fills "bar side qty"]: orders of bar i fill at bar i + 1's open.
    ['a signal of 0.5 buys half the allocation', [1], ['1 buy 500']],
    ['a move within the band (0.1) sends nothing', [1, 0.9, 0.82], ['1 buy 500']],
    ['a move beyond it sells the excess, reduce-only', [1, 0.5], ['1 buy 500', '2 sell 250']],
    ['growing again buys up to the target', [0.6, 0.6, 1], ['1 buy 300', '3 buy 200']],
    ['a zero signal closes whatever is held, however small', [0.3, 0], ['1 buy 150', '2 sell 150']],
    ['a signal within the band of flat opens nothing', [0.1, 0.16], []],
    ['a negative signal is flat without allowShort', [1, -1], ['1 buy 500', '2 sell 500']],
    ['an agent target outside [-1, 1] counts as its bound', [3], ['1 buy 500']],
  ] as const)('%s', (_name, script, expected) => {
    expect(scripted([...script])).toEqual(expected);
  });

  it('with allowShort a change of side closes first and opens the other side on the next bar', () => {
    expect(scripted([1, -1, -1], { allowShort: true }, 'margin')).toEqual(['1 buy 500', '2 sell 500', '3 sell 500']);
  });

  it('a band of 0.3 ignores moves of up to 0.3 of the allocation', () => {
    expect(scripted([1, 0.6, 0.2], { band: 0.3 })).toEqual(['1 buy 500', '3 sell 400']);
  });
});

describe('meta params', () => {
  it('has working defaults: four signal agents and a cash agent', () => {
    const p = params({});
    expect(p.agents.map((a) => a.model)).toEqual(['sma-cross', 'donchian-breakout', 'rsi', 'zscore-reversion']);
    const s = new MetaStrategy(p);
    expect(s.book('X').names).toEqual(['sma-cross', 'donchian-breakout', 'rsi', 'zscore-reversion', 'cash']);
  });

  it('takes agents in the compact form or as JSON with params and names; repeated models are numbered', () => {
    const p = params({ agents: '[{"model":"rsi","params":{"period":7}},{"model":"rsi"},{"model":"macd","name":"trend"}]', cashAgent: 'false' });
    expect(new MetaStrategy(p).book('X').names).toEqual(['rsi', 'rsi#2', 'trend']);
  });

  it.each([
    [{ agents: 'rsi,nope' }, 'param agents.1.model'],
    [{ agents: '[{"model":"rsi","params":{"period":1}}]' }, 'param agents.0.params.period'],
    [{ agents: '[{"model":"rsi","params":{"len":5}}]' }, 'param agents.0.params.len'],
    [{ agents: '[{"model":"rsi","name":"cash"}]' }, 'param agents'],
    [{ floor: 0.3 }, 'param floor'],
    [{ regimeRules: '{"trendWindow":0}' }, 'param regimeRules'],
    [{ band: 2 }, 'param band'],
  ])('refuses %j naming %s', (p, field) => {
    try {
      params(p);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      expect((e as ConfigError).where.field).toBe(field);
    }
  });

  it('an ml-ensemble agent without a model is a ConfigError naming the model param', () => {
    expect(() => new MetaStrategy(params({ agents: 'rsi,ml-ensemble' }))).toThrow(/needs a trained model/);
  });
});
