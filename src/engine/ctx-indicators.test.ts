// ctx.indicators (typed, generated from the registry) against the string form ctx.indicator.
import { describe, expect, expectTypeOf, it } from 'vitest';
import { ConfigError } from '../core/errors.ts';
import { listIndicators } from '../indicators/registry.ts';
import type { Line, StrategyContext } from '../strategies/context.ts';
import { randomWalk } from '../../test/helpers/bars.ts';
import { runScript } from '../../test/helpers/scenario.ts';

describe('ctx.indicators', () => {
  for (const lines of ['whole-series', 'streaming'] as const) {
    it(`hands out the very Line objects of the string form, with equal values on every bar (${lines})`, () => {
      const rows: (number | null)[][] = [];
      const r = runScript(randomWalk(60, 3), (ctx, bar) => {
        const sma = ctx.indicators.sma(bar.symbol, 20);
        expect(sma).toBe(ctx.indicator(bar.symbol, 'sma', { period: 20 }));
        expect(ctx.indicators.rsi(bar.symbol, { period: 14 })).toBe(ctx.indicator(bar.symbol, 'rsi', { period: 14 }));
        // Defaults fill in: no params and the default param are one line.
        expect(ctx.indicators.rsi(bar.symbol)).toBe(ctx.indicator(bar.symbol, 'rsi'));
        const macd = ctx.indicators.macd(bar.symbol, { fast: 6, slow: 13 });
        expect(macd.signal).toBe(ctx.indicator(bar.symbol, 'macd', { fast: 6, slow: 13, signal: 9 }, 'signal'));
        const bb = ctx.indicators.bollinger(bar.symbol, { period: 10, mult: 1.5, source: 'hl2' });
        const kama = ctx.indicators.kama(bar.symbol, { period: 5, fast: 2, slow: 20 });
        rows.push([sma.value, macd.macd.value, macd.histogram.value, bb.upper.value, bb.lower.value, kama.value, ctx.indicators.atr(bar.symbol, 5).value]);
      }, { lines });
      expect(r.kernel.strategyErrors).toEqual([]);
      // Independently: the string form in a fresh run gives the same numbers.
      const again: (number | null)[][] = [];
      runScript(randomWalk(60, 3), (ctx, bar) => {
        const s = bar.symbol;
        again.push([
          ctx.indicator(s, 'sma', { period: 20 }).value, ctx.indicator(s, 'macd', { fast: 6, slow: 13 }, 'macd').value,
          ctx.indicator(s, 'macd', { fast: 6, slow: 13 }, 'histogram').value, ctx.indicator(s, 'bollinger', { period: 10, mult: 1.5, source: 'hl2' }, 'upper').value,
          ctx.indicator(s, 'bollinger', { period: 10, mult: 1.5, source: 'hl2' }, 'lower').value, ctx.indicator(s, 'kama', { period: 5, fast: 2, slow: 20 }).value,
          ctx.indicator(s, 'atr', { period: 5 }).value,
        ]);
      }, { lines });
      expect(rows).toEqual(again);
      expect(rows[0]![0]).toBeNull();
      expect(rows[59]!.every((v) => typeof v === 'number')).toBe(true);
    });
  }

  it('has one method per one-series registered indicator (pair indicators are left out)', () => {
    let names: string[] = [];
    runScript(randomWalk(3, 1), { 0: (ctx) => { names = Object.keys(ctx.indicators); } });
    expect(names.sort()).toEqual(listIndicators().filter((d) => d.inputs !== 'pair').map((d) => d.name).sort());
  });

  it('validates params at run time like the string form (ConfigError naming the param)', () => {
    const errors: unknown[] = [];
    runScript(randomWalk(3, 1), { 0: (ctx) => {
      for (const f of [() => ctx.indicators.sma('X', 0), () => ctx.indicators.macd('X', 3 as never), () => ctx.indicators.sma('X', { length: 3 } as never)]) {
        try {
          f();
        } catch (e) {
          errors.push(e);
        }
      }
    } });
    expect(errors.map((e) => [e instanceof ConfigError, (e as ConfigError).where.field])).toEqual([[true, 'period'], [true, 'params'], [true, 'length']]);
  });

  it('types params and outputs from the registry', () => {
    const ind = {} as StrategyContext['indicators'];
    expectTypeOf(ind.sma).parameter(1).toEqualTypeOf<number | Partial<{ period: number; source: 'open' | 'high' | 'low' | 'close' | 'volume' | 'hl2' | 'hlc3' | 'ohlc4' }> | undefined>();
    expectTypeOf(ind.sma).returns.toEqualTypeOf<Line>();
    expectTypeOf(ind.macd).returns.toEqualTypeOf<{ readonly macd: Line; readonly signal: Line; readonly histogram: Line }>();
    expectTypeOf(ind.stochastic).returns.toEqualTypeOf<{ readonly k: Line; readonly d: Line }>();
    const typeOnly = (): void => {
      // @ts-expect-error: macd has three params, so a bare number is not accepted
      ind.macd('X', 12);
      // @ts-expect-error: sma has no param "length"
      ind.sma('X', { length: 20 });
      // @ts-expect-error: a period is a number
      ind.rsi('X', '14');
      // @ts-expect-error: correlation reads two series: not offered
      ind.correlation('X');
    };
    expect(typeof typeOnly).toBe('function');
  });
});
