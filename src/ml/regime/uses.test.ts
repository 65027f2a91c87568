import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../core/errors.ts';
import { Rng } from '../../core/rng.ts';
import { BarSeries } from '../../model/bar.ts';
import { regimeFeatures } from './features.ts';
import { allows, regimeFilter } from './filter.ts';
import { generateMarket } from '../../data/synthetic.ts';
import { fitRegimeHmm } from './fit-bars.ts';
import { fitGaussianHmm } from './hmm-fit.ts';
import { REGIME_CODE, REGIME_NAMES } from './names.ts';
import { hmmObservations } from './observations.ts';
import { classifyRegimes } from './rules.ts';
import { regimeSegments } from './segments.ts';

const DAY = 86_400_000;

function series(seed: number, n: number): BarSeries {
  const rng = new Rng(seed);
  const s = BarSeries.empty('X', DAY, n);
  let p = 100;
  for (let i = 0; i < n; i++) {
    const sigma = Math.floor(i / 200) % 2 ? 0.03 : 0.008;
    p *= Math.exp(sigma * rng.normal() + (Math.floor(i / 200) % 2 ? -0.003 : 0.001));
    s.append(i * DAY, p, p, p, p, 1000);
  }
  return s;
}

describe('regimes as features', () => {
  const bars = series(1, 800);

  it('one-hot encodes the rule regime as regime:<name> columns, NaN while warming up', () => {
    const f = regimeFeatures(bars);
    expect(f.names).toEqual(REGIME_NAMES.map((n) => `regime:${n}`));
    expect(f.rows).toBe(800);
    expect(f.cols).toBe(7);
    const { labels } = classifyRegimes(bars);
    for (let i = 0; i < 800; i++) {
      const row = Array.from(f.values.subarray(i * 7, i * 7 + 7));
      if (labels[i]! < 0) expect(row.every(Number.isNaN)).toBe(true);
      else expect(row).toEqual(REGIME_NAMES.map((_, k) => (k === labels[i] ? 1 : 0)));
    }
    expect(Array.from(f.time)).toEqual(Array.from(bars.time.subarray(0, 800)));
  });

  it("adds the HMM's filtered state probabilities, unchanged when later bars are appended", () => {
    const obs = hmmObservations(bars);
    const hmm = fitGaussianHmm(obs.values, obs.rows, obs.names, { k: 2, restarts: 2 }).model;
    const full = regimeFeatures(bars, { hmm });
    expect(full.names.slice(7)).toEqual(['regime:hmm_p0', 'regime:hmm_p1']);
    const part = regimeFeatures(bars.slice(0, 500), { hmm });
    expect(Array.from(part.values)).toEqual(Array.from(full.values.subarray(0, 500 * 9)));
    // Rows after the warm-up hold probabilities summing to 1.
    expect(full.values[799 * 9 + 7]! + full.values[799 * 9 + 8]!).toBeCloseTo(1, 12);
    expect(() => regimeFeatures(bars, { hmm, hmmVolWindow: 10 })).toThrow(ConfigError);
    expect(regimeFeatures(bars, { hmm, noRules: true }).names).toEqual(['regime:hmm_p0', 'regime:hmm_p1']);
  });
});

describe('the regime HMM on a synthetic market', () => {
  it("puts the market's crisis stretches in its high-volatility state, bar by bar through the forward filter", () => {
    // The synthetic market switches between bull, bear and crisis (data/synthetic-regimes.ts); a 2-state
    // HMM ordered by volatility should hold its upper state in crisis and mostly not in bull.
    const mk = generateMarket({ seed: 1, symbols: 1, bars: 2000 });
    const bars = mk.series[0]!;
    const { model } = fitRegimeHmm(bars, { k: 2, restarts: 3, orderBy: 1 });
    const p = regimeFeatures(bars, { hmm: model, noRules: true }).values;
    const sum = [0, 0, 0];
    const count = [0, 0, 0];
    for (let t = 20; t < bars.length; t++) {
      sum[mk.regimes[t]!]! += p[t * 2 + 1]!;
      count[mk.regimes[t]!]!++;
    }
    // Measured: P(high-volatility state) averages 0.96 in crisis, 0.89 in bear and 0.35 in bull.
    expect(sum[2]! / count[2]!).toBeGreaterThan(0.8);
    expect(sum[0]! / count[0]!).toBeLessThan(0.45);
  });
});

describe('regimes as a strategy filter', () => {
  it.each([
    ['bull_quiet', ['bull_quiet'], true],
    ['bull_quiet', ['bull'], true],
    ['bear_volatile', ['bull', 'quiet'], false],
    ['sideways_quiet', ['quiet'], true],
    ['crisis', ['volatile'], false],
    ['crisis', ['*'], true],
    ['unknown', ['*'], false],
    ['unknown', ['unknown'], true],
    [REGIME_CODE.bear_volatile, ['bear'], true],
    [-1, ['bull', 'bear', 'sideways'], false],
    ['hmm_1', ['hmm_1'], true],
  ] as const)('allows(%s, %j) is %s', (regime, allowed, expected) => {
    expect(allows(regime, allowed)).toBe(expected);
  });

  it('rejects an allowed entry it does not know, so a typo cannot silently stop trading', () => {
    expect(() => allows('bull_quiet', ['bul'])).toThrow(ConfigError);
    expect(() => regimeFilter(['bull_quite'])).toThrow(/unknown regime "bull_quite"/);
  });

  it('regimeFilter agrees with allows on every code', () => {
    const allowed = ['bull', 'sideways_quiet'];
    const f = regimeFilter(allowed);
    for (let code = -1; code < 7; code++) expect(f(code)).toBe(allows(code, allowed));
  });
});

describe('regimes as a timeline', () => {
  it('merges runs of equal labels into [fromMs, toMs) segments and leaves the warm-up out', () => {
    const time = Float64Array.from({ length: 8 }, (_, i) => 1000 + i * 10);
    const labels = Int8Array.of(-1, -1, 0, 0, 6, 6, 6, 2);
    expect(regimeSegments(time, labels)).toEqual([
      { fromMs: 1020, toMs: 1040, regime: 'bull_quiet', bars: 2 },
      { fromMs: 1040, toMs: 1070, regime: 'crisis', bars: 3 },
      { fromMs: 1070, toMs: 1080, regime: 'bear_quiet', bars: 1 },
    ]);
    expect(regimeSegments(time, labels, REGIME_NAMES, 5).at(-1)!.toMs).toBe(1075);
    expect(regimeSegments(time, Int8Array.of(0, 0, -1, 0, 1, 1, 1, 1), ['calm', 'wild'])).toEqual([
      { fromMs: 1000, toMs: 1020, regime: 'calm', bars: 2 },
      { fromMs: 1030, toMs: 1040, regime: 'calm', bars: 1 },
      { fromMs: 1040, toMs: 1080, regime: 'wild', bars: 4 },
    ]);
    expect(regimeSegments(new Float64Array(0), new Int8Array(0))).toEqual([]);
  });

  it('covers every labelled bar exactly once over a real classification', () => {
    const bars = series(2, 600);
    const { labels } = classifyRegimes(bars);
    const segs = regimeSegments(bars.time, labels);
    expect(segs.reduce((a, s) => a + s.bars, 0)).toBe(labels.filter((l) => l >= 0).length);
    for (let i = 1; i < segs.length; i++) {
      expect(segs[i]!.fromMs).toBe(segs[i - 1]!.toMs);
      expect(segs[i]!.regime).not.toBe(segs[i - 1]!.regime);
    }
  });
});
