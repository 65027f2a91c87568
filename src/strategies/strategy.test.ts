import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../core/errors.ts';
import { builtinStrategy, builtinStrategyNames } from './builtin-classes.ts';
import { parseStrategyConfig } from './registry.ts';
import { PerSymbol } from './strategy.ts';

describe('PerSymbol', () => {
  it('makes state once per symbol and returns the same object after', () => {
    const made: string[] = [];
    const ps = new PerSymbol((s) => {
      made.push(s);
      return { s };
    });
    const a = ps.get('A');
    expect(ps.get('A')).toBe(a);
    const b = ps.get('B');
    expect(ps.get('A')).toBe(a);
    expect(ps.get('B')).toBe(b);
    expect(made).toEqual(['A', 'B']);
  });

  it('serves the right state in any order of symbols (round robin, repeats, new symbols late), like a map', () => {
    const symbols = ['A', 'B', 'C', 'D', 'E'];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...symbols), { maxLength: 200 }), (order) => {
        const made: string[] = [];
        const ps = new PerSymbol((s) => {
          made.push(s);
          return { s };
        });
        const reference = new Map<string, { s: string }>();
        for (const s of order) {
          const v = ps.get(s);
          expect(v.s).toBe(s);
          if (!reference.has(s)) reference.set(s, v);
          expect(v).toBe(reference.get(s));
        }
        expect(made).toEqual([...reference.keys()]);
      }),
    );
    const ps = new PerSymbol((s) => ({ s }));
    for (let round = 0; round < 3; round++) for (const s of symbols) expect(ps.get(s).s).toBe(s);
  });
});

describe('strategy registry', () => {
  it('lists the built-ins', () => {
    expect(builtinStrategyNames()).toEqual(expect.arrayContaining(['sma-cross', 'rsi', 'buy-and-hold']));
    expect(builtinStrategy('nope')).toBeUndefined();
  });

  it('coerces string params from the command line and fills defaults', () => {
    const cls = builtinStrategy('sma-cross')!;
    expect(parseStrategyConfig('sma-cross', cls, { fast: '5' })).toEqual({ fast: 5, slow: 30 });
    expect(parseStrategyConfig('rsi', builtinStrategy('rsi')!, {})).toEqual({ period: 14, lower: 30, upper: 70 });
  });

  it.each([
    ['sma-cross', { fast: '30', slow: '10' }, 'param fast'],
    ['sma-cross', { fast: 'abc' }, 'param fast'],
    ['sma-cross', { slow: '2.5' }, 'param slow'],
    ['rsi', { lower: '80', upper: '70' }, 'param lower'],
    ['rsi', { period: '1' }, 'param period'],
  ])('refuses bad %s params %j, naming the field', (name, raw, field) => {
    let err: unknown;
    try {
      parseStrategyConfig(name, builtinStrategy(name)!, raw);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).where.field).toBe(field);
  });
});
