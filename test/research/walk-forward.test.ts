import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.ts';
import { toIso } from '../../src/core/time.ts';
import { schemaConstraint } from '../../src/research/constraints.ts';
import { createFastRunner } from '../../src/research/fast-runner.ts';
import { parseObjective } from '../../src/research/objective.ts';
import { optimize } from '../../src/research/optimize.ts';
import { parseSpace } from '../../src/research/space.ts';
import { planFolds, walkForward, windowOf } from '../../src/research/walk-forward.ts';
import { SmaCross } from '../../src/strategies/builtin/sma-cross.ts';
import type { StrategyClass } from '../../src/strategies/strategy.ts';
import { randomWalk } from '../helpers/bars.ts';

describe('walk-forward folds', () => {
  it('tiles the end of the data with equal test windows after 75% training windows', () => {
    const plan = planFolds(130, 10, 0.75);
    expect(plan).toHaveLength(10);
    expect(plan[0]).toEqual({ fold: 1, trainFrom: 0, trainTo: 30, testFrom: 30, testTo: 40 });
    expect(plan[9]).toEqual({ fold: 10, trainFrom: 90, trainTo: 120, testFrom: 120, testTo: 130 });
    for (let k = 1; k < plan.length; k++) expect(plan[k]!.testFrom).toBe(plan[k - 1]!.testTo);
    for (const f of plan) expect(f.trainTo - f.trainFrom).toBe(30);
  });

  it('anchors every training window at the first bar when asked', () => {
    const plan = planFolds(1000, 4, 0.5, true);
    expect(plan.map((f) => [f.trainFrom, f.trainTo, f.testFrom, f.testTo])).toEqual([
      [0, 200, 200, 400], [0, 400, 400, 600], [0, 600, 600, 800], [0, 800, 800, 1000],
    ]);
  });

  it('refuses too many folds for the data and bad train shares', () => {
    expect(() => planFolds(30, 10)).toThrow(ConfigError);
    expect(() => planFolds(30, 10)).toThrow(/--folds/);
    expect(() => planFolds(1000, 5, 1)).toThrow(/--train/);
    expect(() => planFolds(1000, 0)).toThrow(/--folds/);
  });
});

describe('walkForward', () => {
  it('re-optimizes on each training window, trades the test window with the winner and stitches the test curves', async () => {
    const s = randomWalk(1600, 8, { vol: 0.015 });
    const runner = await createFastRunner({ rule: 'sma-cross', series: s, settings: { cash: 100_000, commission: 0.001, pctCash: 95 }, threads: 0 });
    const space = parseSpace('fast=3:21:3,slow=10:60:10');
    const common = { space, objective: parseObjective('sharpe'), constraint: schemaConstraint(SmaCross as unknown as StrategyClass<object>) };
    const r = await walkForward(runner, { ...common, folds: 4 });
    const plan = planFolds(s.length, 4);
    expect(r.folds).toHaveLength(4);
    let stitched = 0;
    for (const [k, f] of r.folds.entries()) {
      const p = plan[k]!;
      expect(f.train).toEqual({ from: toIso(s.time[p.trainFrom]!), to: toIso(s.time[p.trainTo - 1]!), bars: p.trainTo - p.trainFrom });
      expect(f.test.bars).toBe(p.testTo - p.testFrom);
      const alone = await optimize(runner, { ...common, window: windowOf(s.time, p.trainFrom, p.trainTo), analyze: false });
      expect(f.params).toEqual(alone.best!.params);
      expect(f.trainScore).toBe(alone.best!.score);
      const [test] = await runner.evaluate([f.params], { window: windowOf(s.time, p.testFrom, p.testTo), blocks: 0, keepCurve: false });
      expect(f.testMetrics).toEqual(test!.metrics);
      stitched += f.test.bars;
    }
    expect(r.equity).toHaveLength(stitched);
    expect(r.equity[0]!.equity).toBe(100_000);
    expect(r.equity[0]!.time).toBe(toIso(s.time[plan[0]!.testFrom]!));
    // The stitched curve compounds the folds' test returns.
    const product = r.folds.reduce((acc, f) => acc * (1 + f.testMetrics.totalReturn!), 1);
    expect(r.metrics.totalReturn!).toBeCloseTo(product - 1, 10);
    expect(r.metrics.tradeCount).toBe(r.folds.reduce((a, f) => a + f.testMetrics.tradeCount, 0));
    expect(r.stability.map((x) => x.name)).toEqual(['fast', 'slow']);
    const fasts = r.folds.map((f) => f.params.fast as number);
    expect(r.stability[0]!.values).toEqual(fasts);
    const mean = fasts.reduce((a, b) => a + b, 0) / 4;
    expect(r.stability[0]!.mean).toBeCloseTo(mean, 12);
    expect(r.stability[0]!.std).toBeCloseTo(Math.sqrt(fasts.reduce((a, b) => a + (b - mean) ** 2, 0) / 3), 12);
    expect(r.stability[0]!.stdOfRange).toBeCloseTo(r.stability[0]!.std! / 18, 12);
    await runner.close();
  });
});
