import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.ts';
import { parseObjective } from '../../src/research/objective.ts';
import { optimize } from '../../src/research/optimize.ts';
import { parseSpace } from '../../src/research/space.ts';
import { splitGoodBad, TpeSampler } from '../../src/research/tpe.ts';
import type { Params } from '../../src/research/types.ts';
import { functionRunner } from './helpers.ts';

const bowl = (p: Params): number => -(((p.x as number) - 73) ** 2 + ((p.y as number) - 21) ** 2) / 1000;
const dist = (p: Params): number => Math.hypot((p.x as number) - 73, (p.y as number) - 21);

describe('TPE', () => {
  it('splits the best ceil(gamma n) scored trials from the rest, unscored trials bad', () => {
    const h = [0.1, null, 0.5, 0.3, -1, 0.2, null, 0.4].map((score, i) => ({ params: { i }, score }));
    const { good, bad } = splitGoodBad(h, 0.25);
    expect(good.map((o) => o.params.i)).toEqual([2, 7]);
    expect(bad).toHaveLength(6);
    expect(bad.slice(-2).map((o) => o.score)).toEqual([null, null]);
  });

  it('rates points near the good trials above points near the bad ones: l(x)/g(x)', () => {
    const space = parseSpace('x=0:100');
    const h = Array.from({ length: 40 }, (_, i) => ({ params: { x: i * 2.5 }, score: -Math.abs(i * 2.5 - 80) }));
    const s = new TpeSampler(space, new Rng(1));
    expect(s.logRatio(h, { x: 80 })).toBeGreaterThan(0);
    expect(s.logRatio(h, { x: 10 })).toBeLessThan(0);
    expect(s.logRatio(h, { x: 80 })).toBeGreaterThan(s.logRatio(h, { x: 60 }));
  });

  it('finds the optimum of a smooth objective far better than random search with the same budget', async () => {
    const space = parseSpace('x=0:100,y=0:100');
    const tpe: number[] = [];
    const random: number[] = [];
    for (let seed = 1; seed <= 6; seed++) {
      const t = await optimize(functionRunner(bowl, 30), { space, objective: parseObjective('sharpe'), method: 'tpe', trials: 50, seed, analyze: false });
      const r = await optimize(functionRunner(bowl, 30), { space, objective: parseObjective('sharpe'), method: 'random', trials: 50, seed, analyze: false });
      tpe.push(dist(t.best!.params));
      random.push(dist(r.best!.params));
    }
    for (const d of tpe) expect(d).toBeLessThanOrEqual(5);
    const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(tpe) * 3).toBeLessThan(mean(random));
  });

  it('learns which choice is good', async () => {
    const space = parseSpace('mode=a|b|c|d,x=0:1000');
    const r = await optimize(functionRunner((p) => (p.mode === 'c' ? 1 : 0) - Math.abs((p.x as number) - 500) / 10_000, 30), {
      space, objective: parseObjective('sharpe'), method: 'tpe', trials: 40, seed: 2, startupTrials: 8, analyze: false,
    });
    const late = [...r.trials].sort((a, b) => a.id - b.id).slice(8).map((t) => t.params.mode);
    expect(late.filter((m) => m === 'c').length).toBeGreaterThan(late.length / 2);
  });

  it('never proposes a parameter set twice or one the constraint refuses', async () => {
    const space = parseSpace('fast=2:20,slow=5:30');
    const runner = functionRunner((p) => -Math.abs((p.fast as number) - 8) - Math.abs((p.slow as number) - 9), 30);
    const r = await optimize(runner, {
      space, objective: parseObjective('sharpe'), method: 'tpe', trials: 60, seed: 5, analyze: false,
      constraint: (p) => ((p.fast as number) < (p.slow as number) ? null : 'fast must be shorter than slow'),
    });
    expect(r.evaluated).toBe(60);
    const keys = r.trials.map((t) => `${String(t.params.fast)}/${String(t.params.slow)}`);
    expect(new Set(keys).size).toBe(60);
    for (const t of r.trials) expect(t.params.fast as number).toBeLessThan(t.params.slow as number);
    expect(r.skipped).toBeGreaterThan(0);
    expect(r.best!.params).toEqual({ fast: 8, slow: 9 });
  });
});
