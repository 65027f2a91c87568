import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.ts';
import { Rng } from '../../src/core/rng.ts';
import { domainSize, formatSpace, gridPoints, gridSize, paramsKey, parseSpace, samplePoint, snap } from '../../src/research/space.ts';

describe('parameter spaces', () => {
  it('parses int ranges with steps, float ranges, choices and fixed values', () => {
    const s = parseSpace('fast=5:50:5, slow=20:200:10,mult=1.5:3:0.25,alpha=0.1:0.9,exit=middle|upper,flag=true|false,n=7');
    expect(s.params).toEqual([
      { kind: 'int', name: 'fast', lo: 5, hi: 50, step: 5 },
      { kind: 'int', name: 'slow', lo: 20, hi: 200, step: 10 },
      { kind: 'float', name: 'mult', lo: 1.5, hi: 3, step: 0.25 },
      { kind: 'float', name: 'alpha', lo: 0.1, hi: 0.9, step: null },
      { kind: 'choice', name: 'exit', values: ['middle', 'upper'] },
      { kind: 'choice', name: 'flag', values: [true, false] },
      { kind: 'choice', name: 'n', values: [7] },
    ]);
    expect(s.params.map(domainSize)).toEqual([10, 19, 7, Infinity, 2, 2, 1]);
    expect(parseSpace(formatSpace(s))).toEqual(s);
  });

  it('enumerates the grid with the first parameter varying slowest, floats rounded to the step', () => {
    const s = parseSpace('a=1:2,b=0.1:0.3:0.1,c=x|y');
    const pts = [...gridPoints(s)];
    expect(gridSize(s)).toBe(12);
    expect(pts).toHaveLength(12);
    expect(pts.slice(0, 3)).toEqual([{ a: 1, b: 0.1, c: 'x' }, { a: 1, b: 0.1, c: 'y' }, { a: 1, b: 0.2, c: 'x' }]);
    expect(pts.map((p) => p.b)).toContain(0.3);
    expect(new Set(pts.map((p) => paramsKey(s, p))).size).toBe(12);
  });

  it('refuses a grid over a continuous range and names --space in every error', () => {
    expect(() => [...gridPoints(parseSpace('a=0.5:1'))]).toThrow(/needs a step/);
    for (const bad of ['fast', 'fast=10:5', 'fast=1:10:0', 'fast=a:b', 'x=1,x=2', 'e=a|a', '1x=2', '']) {
      let err: unknown;
      try {
        parseSpace(bad);
      } catch (e) {
        err = e;
      }
      expect(err, bad).toBeInstanceOf(ConfigError);
      expect((err as Error).message, bad).toContain('--space');
    }
  });

  it('draws seeded random points inside each domain', () => {
    const s = parseSpace('fast=5:50:5,alpha=0.1:0.9,exit=middle|upper');
    const a = Array.from({ length: 200 }, ((r) => () => samplePoint(s, r))(new Rng(3)));
    const b = Array.from({ length: 200 }, ((r) => () => samplePoint(s, r))(new Rng(3)));
    expect(a).toEqual(b);
    for (const p of a) {
      expect([5, 10, 15, 20, 25, 30, 35, 40, 45, 50]).toContain(p.fast);
      expect(p.alpha).toBeGreaterThanOrEqual(0.1);
      expect(p.alpha).toBeLessThanOrEqual(0.9);
      expect(['middle', 'upper']).toContain(p.exit);
    }
    expect(new Set(a.map((p) => p.fast)).size).toBe(10);
  });

  it('snaps numbers onto the grid and clamps them to the bounds', () => {
    const [d] = parseSpace('x=0:1:0.25').params;
    if (d === undefined || d.kind === 'choice') throw new Error('expected a numeric domain');
    expect([snap(d, -3), snap(d, 0.3), snap(d, 0.38), snap(d, 7)]).toEqual([0, 0.25, 0.5, 1]);
  });
});
