import { describe, expect, it } from 'vitest';
import { deflatedSharpeRatio, expectedMaxSharpe, probabilisticSharpeRatio } from '../../src/analytics/sharpe-inference.ts';
import { schemaConstraint } from '../../src/research/constraints.ts';
import { createFastRunner } from '../../src/research/fast-runner.ts';
import { runRecorded } from '../../src/research/fast-sweep.ts';
import { customObjective, parseObjective } from '../../src/research/objective.ts';
import { optimize } from '../../src/research/optimize.ts';
import { chooseBlocks } from '../../src/research/pbo.ts';
import { gridPoints, parseSpace } from '../../src/research/space.ts';
import { SmaCross } from '../../src/strategies/builtin/sma-cross.ts';
import type { StrategyClass } from '../../src/strategies/strategy.ts';
import { randomWalk } from '../helpers/bars.ts';
import { functionRunner, returnsFor } from './helpers.ts';

const SETTINGS = { cash: 100_000, commission: 0.001, pctCash: 95 };

describe('optimize', () => {
  it('runs the whole grid, skips and counts what the schema refuses, and sorts the table by the objective', async () => {
    const s = randomWalk(1200, 21);
    const runner = await createFastRunner({ rule: 'sma-cross', series: s, settings: SETTINGS, threads: 0 });
    const space = parseSpace('fast=2:30:4,slow=5:40:5');
    const r = await optimize(runner, { space, objective: parseObjective('sharpe'), constraint: schemaConstraint(SmaCross as unknown as StrategyClass<object>) });
    const all = [...gridPoints(space)];
    const invalid = all.filter((p) => (p.fast as number) >= (p.slow as number)).length;
    expect(invalid).toBeGreaterThan(0);
    expect(r.skipped).toBe(invalid);
    expect(r.evaluated).toBe(all.length - invalid);
    expect(Object.values(r.skippedReasons)).toEqual([invalid]);
    const scores = r.trials.map((t) => t.score ?? -Infinity);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(r.best).toBe(r.trials[0]);
    // The table's numbers are the kernel's: the best set rerun on its own gives the same final value.
    const rerun = runRecorded('sma-cross', s, [r.best!.params.fast as number, r.best!.params.slow as number], SETTINGS);
    expect(r.best!.metrics.finalValue).toBe(rerun.equity[rerun.equity.length - 1]);
    expect(r.best!.metrics.tradeCount).toBe(rerun.tradeCount);
    await runner.close();
  });

  it('reports the deflated Sharpe ratio of the best trial over the number and Sharpe variance of the trials', async () => {
    const runner = functionRunner(() => 0, 500, true);
    const space = parseSpace('a=1:40');
    const r = await optimize(runner, { space, objective: parseObjective('sharpe') });
    const sharpes = r.trials.map((t) => t.metrics.sharpe!);
    const mean = sharpes.reduce((x, y) => x + y, 0) / sharpes.length;
    const variance = sharpes.reduce((x, y) => x + (y - mean) ** 2, 0) / (sharpes.length - 1);
    const d = r.deflatedSharpe!;
    expect(d.numTrials).toBe(40);
    expect(d.trialSharpeVariance).toBeCloseTo(variance, 12);
    expect(d.expectedMaxSharpe).toBeCloseTo(expectedMaxSharpe(40, variance), 12);
    const best = returnsFor(r.best!.params, 0, 499);
    expect(d.dsr).toBe(deflatedSharpeRatio(best, { numTrials: 40, trialSharpeVariance: variance }).dsr);
    // The luckiest of 40 noise trials looks good alone (PSR) and is deflated to much less.
    expect(probabilisticSharpeRatio(best)!).toBeGreaterThan(0.8);
    expect(d.dsr!).toBeLessThan(0.5);
  });

  it('estimates overfitting by CSCV: high among noise trials, zero when one trial is truly better', async () => {
    const space = parseSpace('a=1:30');
    const noise = await optimize(functionRunner(() => 0, 2000, true), { space, objective: parseObjective('sharpe'), pboBlocks: 10 });
    const skill = await optimize(functionRunner((p) => (p.a === 17 ? 4 : 0), 2000, true), { space, objective: parseObjective('sharpe'), pboBlocks: 10 });
    expect(noise.pbo!.blocks).toBe(10);
    expect(noise.pbo!.combinations).toBe(252);
    expect(noise.pbo!.pbo).toBeGreaterThan(0.3);
    expect(noise.deflatedSharpe!.dsr!).toBeLessThan(0.5);
    expect(skill.best!.params.a).toBe(17);
    expect(skill.pbo!.pbo).toBe(0);
    expect(skill.deflatedSharpe!.dsr!).toBeGreaterThan(0.95);
    expect(chooseBlocks(30, 1999)).toBe(16);
    expect((await optimize(functionRunner(() => 0, 2000, true), { space, objective: parseObjective('sharpe') })).pbo!.blocks).toBe(16);
  });

  it('draws distinct seeded random trials, the same for the same seed', async () => {
    const space = parseSpace('x=0:50,y=0:50');
    const f = (p: Record<string, unknown>): number => -Math.abs((p.x as number) - 10);
    const a = await optimize(functionRunner(f, 30), { space, objective: parseObjective('sharpe'), method: 'random', trials: 25, seed: 9, analyze: false });
    const b = await optimize(functionRunner(f, 30), { space, objective: parseObjective('sharpe'), method: 'random', trials: 25, seed: 9, analyze: false });
    const c = await optimize(functionRunner(f, 30), { space, objective: parseObjective('sharpe'), method: 'random', trials: 25, seed: 10, analyze: false });
    const keys = (r: typeof a): string[] => [...r.trials].sort((x, y) => x.id - y.id).map((t) => `${String(t.params.x)},${String(t.params.y)}`);
    expect(keys(a)).toEqual(keys(b));
    expect(keys(a)).not.toEqual(keys(c));
    expect(new Set(keys(a)).size).toBe(25);
  });

  it('accepts any objective; unscored trials rank last', async () => {
    const space = parseSpace('x=1:6');
    const obj = customObjective('odd-only', (m) => (m.sharpe! % 2 === 1 ? m.sharpe : null));
    const r = await optimize(functionRunner((p) => p.x as number, 30), { space, objective: obj, analyze: false });
    expect(r.trials.map((t) => t.params.x)).toEqual([5, 3, 1, 2, 4, 6]);
    expect(r.trials.map((t) => t.score)).toEqual([5, 3, 1, null, null, null]);
    const none = await optimize(functionRunner(() => null, 30), { space, objective: parseObjective('sharpe') });
    expect(none.best).toBeNull();
    expect(none.deflatedSharpe).toBeNull();
  });

  it('refuses a space where nothing passes the constraints, naming --space', async () => {
    await expect(optimize(functionRunner(() => 1), { space: parseSpace('x=1:3'), objective: parseObjective('sharpe'), constraint: () => 'never' })).rejects.toThrow(/--space/);
  });
});
