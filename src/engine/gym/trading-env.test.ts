import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng.ts';
import { BarSeries } from '../../model/bar.ts';
import { logReturns } from '../../ml/rl/observations.ts';
import { TradingEnv, type TradingEnvConfig } from './trading-env.ts';

/** Bars from (open, close) pairs, one day apart, high/low 5% around them. */
function bars(oc: readonly (readonly [number, number])[]): BarSeries {
  return BarSeries.fromBars('X', oc.map(([o, c], i) => ({
    tsEventMs: Date.UTC(2024, 0, 1) + i * 86_400_000, open: o, close: c, high: Math.max(o, c) * 1.05, low: Math.min(o, c) * 0.95, volume: 1e6,
  })), 86_400_000);
}

/** A seeded random walk of n daily bars. */
export function walk(n: number, seed: number): BarSeries {
  const rng = new Rng(seed);
  const oc: [number, number][] = [];
  let p = 100;
  for (let i = 0; i < n; i++) {
    const o = p * (1 + 0.002 * rng.normal());
    p = o * (1 + 0.01 * rng.normal());
    oc.push([o, p]);
  }
  return bars(oc);
}

// Decision bar 1 (close 100); bar 2 opens 100, closes 101; bar 3 opens 101.5, closes 103; bar 4 opens 110, closes 108.
const tiny = bars([[99, 99], [100, 100], [100, 101], [101.5, 103], [110, 108]]);
const tinyEnv = (over: Partial<TradingEnvConfig> = {}): TradingEnv => new TradingEnv({
  series: tiny, episodeLength: 3, features: logReturns(1), actions: 'continuous', cash: 100, rebalanceBand: 0, sampling: 'sequential', ...over,
});

describe('TradingEnv', () => {
  it('rewards the equity change after real fills: buy 1 unit, price +1, reward = 1 - commission', () => {
    const env = tinyEnv({ commission: 0.001 });
    const obs0 = env.reset(1);
    expect(env.index).toBe(1);
    expect(Array.from(obs0)).toEqual([Math.log(100 / 99), 0, 0]);
    // Target weight 1 of equity 100 at close 100: 1 unit, filled at bar 2's open (100), commission 0.1.
    const r1 = env.step(Float64Array.of(1));
    expect(r1.reward).toBeCloseTo(1 - 0.1, 9);
    expect(r1.info).toMatchObject({ fills: 1, traded: 100, refused: 0 });
    expect(r1.info!.commission).toBeCloseTo(0.1, 12);
    expect(r1.info!.equity).toBeCloseTo(100.9, 9);
    expect(r1.observation[1]).toBeCloseTo(101 / 100.9, 12); // weight
    expect(r1.observation[2]).toBeCloseTo(1 / 100.9, 12); // unrealized PnL / equity
    // Still weight 1: the 0.001-unit difference rounds to no order; the position gains 2.
    const r2 = env.step(Float64Array.of(1));
    expect(r2.info!.fills).toBe(0);
    expect(r2.reward).toBeCloseTo(2, 9);
    // Flat: sell 1 at bar 4's open 110 (commission 0.11); the gain from 103 to 110 is booked.
    const r3 = env.step(Float64Array.of(0));
    expect(r3.reward).toBeCloseTo(7 - 0.11, 9);
    expect(r3.done).toBe(true);
    expect(r3.truncated).toBe(true);
    expect(r3.info!.equity).toBeCloseTo(100 + 0.9 + 2 + 6.89, 9);
    expect(env.node!.kernel.fills.length).toBe(2);
    expect(() => env.step(Float64Array.of(0))).toThrow(/reset/);
  });

  it('pays the venue slippage: a 10 bps buy fills at open x 1.001', () => {
    const env = tinyEnv({ slippageBps: 10 });
    env.reset(1);
    const r = env.step(Float64Array.of(1));
    expect(r.reward).toBeCloseTo(101 - 100.1, 9);
  });

  it('discrete actions: 2 shorts maxWeight of equity, 0 goes flat', () => {
    const env = tinyEnv({ actions: 'discrete', maxWeight: 1 });
    expect(env.actionSpace).toEqual({ kind: 'discrete', n: 3 });
    env.reset(1);
    const r = env.step(2);
    expect(r.reward).toBeCloseTo(-1, 9);
    expect(r.info!.weight).toBeCloseTo(-101 / 99, 9);
    const r2 = env.step(0);
    expect(r2.reward).toBeCloseTo(-(101.5 - 101), 9);
    expect(r2.info!.weight).toBe(0);
    expect(() => env.step(3)).toThrow(/discrete trading actions/);
  });

  it('cost-aware reward subtracts its turnover penalty from the PnL', () => {
    const env = tinyEnv({ commission: 0.001, reward: { kind: 'cost-aware', turnoverPenalty: 0.01 } });
    env.reset(1);
    expect(env.step(Float64Array.of(1)).reward).toBeCloseTo(0.9 - 0.01 * 100, 9);
  });

  it('is deterministic: same seed and actions give the same observations, rewards and infos', () => {
    const series = walk(600, 3);
    const run = (seed: number): unknown[] => {
      const env = new TradingEnv({ series, episodeLength: 50, commission: 0.0005, reward: { kind: 'differential-sharpe' } });
      const rng = new Rng(99);
      const out: unknown[] = [Array.from(env.reset(seed))];
      for (let i = 0; i < 120; i++) {
        const r = env.step(rng.int(3));
        out.push([Array.from(r.observation), r.reward, r.done, r.info]);
        if (r.done) out.push(Array.from(env.reset()));
      }
      return out;
    };
    expect(run(5)).toEqual(run(5));
    expect(run(6)).not.toEqual(run(5));
  });

  it('samples episode starts uniformly and reproducibly from the seed, inside the range', () => {
    const series = walk(300, 1);
    const starts = (seed: number): number[] => {
      const env = new TradingEnv({ series, episodeLength: 20, range: { from: 50, to: 250 } });
      const s: number[] = [];
      env.reset(seed);
      s.push(env.index);
      for (let i = 0; i < 400; i++) {
        env.reset();
        s.push(env.index);
      }
      return s;
    };
    const a = starts(7);
    expect(starts(7)).toEqual(a);
    expect(starts(8)).not.toEqual(a);
    // Decision bars 50..229: the last start leaves 20 decisions and the bar after them inside [50, 250).
    expect(Math.min(...a)).toBe(50);
    expect(Math.max(...a)).toBe(229);
    const mean = a.reduce((x, y) => x + y, 0) / a.length;
    expect(Math.abs(mean - (50 + 229) / 2)).toBeLessThan(8);
  });

  it('sequential sampling walks back-to-back windows and starts again', () => {
    const env = new TradingEnv({ series: walk(100, 2), episodeLength: 30, sampling: 'sequential', features: logReturns(4) });
    const s: number[] = [];
    env.reset(0);
    s.push(env.index);
    for (let i = 0; i < 4; i++) {
      env.reset();
      s.push(env.index);
    }
    // Starts 4..69 fit (4 + 30 decisions + 1 bar <= 100): windows at 4, 34, 64.
    expect(s).toEqual([4, 34, 64, 4, 34]);
  });

  it('reads no future bar: the same episode over history cut after its last bar gives the same trajectory', () => {
    const full = walk(400, 4);
    const play = (series: BarSeries): unknown[] => {
      const env = new TradingEnv({ series, episodeLength: 40, sampling: 'sequential', range: { from: 300, to: 400 }, commission: 0.001 });
      const out: unknown[] = [Array.from(env.reset(0))];
      for (let i = 0; i < 40; i++) {
        const r = env.step(i % 3);
        out.push([Array.from(r.observation), r.reward]);
      }
      return out;
    };
    expect(play(full.slice(0, 341))).toEqual(play(full));
  });

  it('takes caller-supplied market features (series, index) and appends the account state', () => {
    const seen: number[] = [];
    const env = tinyEnv({ features: { warmup: 1, fn: (s, i) => (seen.push(i), Float64Array.of(s.close[i]! - s.close[i - 1]!, s.volume[i]!)) } });
    expect(env.observationSize).toBe(4);
    expect(Array.from(env.reset(1))).toEqual([1, 1e6, 0, 0]);
    expect(Array.from(env.step(Float64Array.of(0)).observation)).toEqual([1, 1e6, 0, 0]);
    expect(seen.slice(-2)).toEqual([1, 2]);
    const bare = tinyEnv({ accountFeatures: false, features: { warmup: 1, fn: (s, i) => Float64Array.of(s.close[i]!) } });
    expect(Array.from(bare.reset(1))).toEqual([100]);
  });

  it('refuses a range too short for one episode', () => {
    expect(() => new TradingEnv({ series: walk(30, 1), episodeLength: 20, features: logReturns(16) })).toThrow(/episode of 20 steps needs 37 bars/);
  });
});
