import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../core/errors.ts';
import { Rng } from '../../core/rng.ts';
import { BarSeries } from '../../model/bar.ts';
import { REGIME_NAMES, UNKNOWN_REGIME, regimeName } from './names.ts';
import { RuleRegimeClassifier, classifyRegimes, parseRegimeRules } from './rules.ts';

/** Closes from phases of [bars, drift per bar, alternating +-sigma]: noise-free, so each phase's volatility is exact. */
function phased(phases: readonly (readonly [number, number, number])[]): Float64Array {
  const closes = [100];
  let k = 0;
  for (const [bars, drift, sigma] of phases) for (let i = 0; i < bars; i++) closes.push(closes.at(-1)! * Math.exp(drift + (k++ % 2 ? sigma : -sigma)));
  return Float64Array.from(closes);
}

function randomWalk(seed: number, n: number): Float64Array {
  const rng = new Rng(seed);
  const c = new Float64Array(n);
  let p = 100;
  for (let i = 0; i < n; i++) {
    // Volatility that switches between calm and wild stretches, so every branch of the rules is visited.
    const sigma = Math.floor(i / 150) % 3 === 2 ? 0.04 : 0.01;
    p *= Math.exp(sigma * rng.normal() - (sigma > 0.02 ? 0.004 : 0));
    c[i] = p;
  }
  return c;
}

describe('rule-based regimes', () => {
  // Each phase ends in the regime named beside it, held for the last n bars (defaults: 50-bar trend at
  // +-5%, 20-bar volatility ranked over 252 bars, volatile from rank 0.7, crisis at a 20% drawdown with
  // rank 0.9). Before that stretch the label lags (windows catching up) and flickers where the trend
  // return sits on its threshold. The counts were read off this run; they pin where each switch happens.
  const scenario = [
    [[200, 0.002, 0.005], 'bull_quiet', 122],
    [[100, 0.002, 0.02], 'bull_volatile', 100],
    [[150, 0, 0.005], 'sideways_quiet', 119],
    [[80, 0, 0.02], 'sideways_volatile', 47],
    [[80, -0.002, 0.005], 'bear_quiet', 49],
    [[30, -0.001, 0.02], 'bear_volatile', 19],
    [[60, -0.012, 0.04], 'crisis', 58],
  ] as const;

  it('labels each phase of a scripted market with its regime once the windows have caught up', () => {
    const { labels } = classifyRegimes(phased(scenario.map((s) => s[0])));
    let end = 1;
    for (const [[bars], name, tail] of scenario) {
      end += bars;
      // The last `tail` bars of the phase carry its label, and the bar before them does not (the lag of
      // the 50-bar trend and of the volatility rank), so the switch happens exactly where measured.
      for (let i = end - tail; i < end; i++) expect(regimeName(labels[i]!), `bar ${i}`).toBe(name);
      expect(regimeName(labels[end - tail - 1]!)).not.toBe(name);
    }
  });

  it('is unknown for exactly volWindow + volMinHistory - 1 bars, then always one of the seven', () => {
    const c = randomWalk(3, 400);
    const { labels } = classifyRegimes(c, { volWindow: 10, volMinHistory: 30, trendWindow: 20 });
    for (let i = 0; i < 39; i++) expect(labels[i]).toBe(UNKNOWN_REGIME);
    for (let i = 39; i < 400; i++) expect(labels[i]).toBeGreaterThanOrEqual(0);
    const seen = new Set(labels.slice(39));
    expect(seen.size).toBeGreaterThanOrEqual(5);
  });

  it('is causal: the labels of a truncated series equal the first labels of the full one', () => {
    const full = randomWalk(9, 900);
    const all = classifyRegimes(full).labels;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 899 }), (cut) => {
        expect(Array.from(classifyRegimes(full.subarray(0, cut)).labels)).toEqual(Array.from(all.subarray(0, cut)));
      }),
      { numRuns: 25 },
    );
  });

  it('takes a BarSeries, and reset starts the classifier over', () => {
    const c = randomWalk(4, 300);
    const bars = new BarSeries('X', 300, 86_400_000, {
      time: Float64Array.from({ length: 300 }, (_, i) => i * 86_400_000),
      open: c,
      high: c,
      low: c,
      close: c,
      volume: new Float64Array(300),
    });
    const r = classifyRegimes(bars);
    expect(r.names).toEqual(REGIME_NAMES);
    const k = new RuleRegimeClassifier();
    for (const x of c) k.update(x);
    k.reset();
    const again = Array.from(c, (x) => k.update(x));
    expect(again).toEqual(Array.from(r.labels));
  });

  it('fills defaults and rejects bad thresholds with a ConfigError', () => {
    expect(parseRegimeRules({})).toMatchObject({ trendWindow: 50, trendThreshold: 0.05, volatileRank: 0.7, crisisDrawdown: 0.2 });
    expect(() => parseRegimeRules({ volatileRank: 1.5 })).toThrow(ConfigError);
    expect(() => parseRegimeRules({ volMinHistory: 300, volLookback: 100 })).toThrow(/volMinHistory/);
    expect(() => parseRegimeRules({ trendWindow: 0 })).toThrow(ConfigError);
  });

  it('measures the drawdown from the highest close of the last drawdownWindow bars (property: equals a plain scan)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 1, max: 40 }),
        // Few distinct prices, so ties and long falls and rises are common.
        fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 200 }),
        (drawdownWindow, trendWindow, prices) => {
          const c = new RuleRegimeClassifier({ drawdownWindow, trendWindow, volWindow: 2, volLookback: 2, volMinHistory: 1 });
          prices.forEach((p, n) => {
            c.update(p);
            const peak = Math.max(...prices.slice(Math.max(0, n - drawdownWindow + 1), n + 1));
            expect(c.reading.drawdown).toBe(1 - p / peak);
          });
        },
      ),
    );
  });
});
