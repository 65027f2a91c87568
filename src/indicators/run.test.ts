import { describe, expect, it } from 'vitest';
import { ConfigError } from '../core/errors.ts';
import { Rng } from '../core/rng.ts';
import { BarSeries } from '../model/bar.ts';
import { foldScalar } from './batch.ts';
import { getIndicator, listIndicators, parseParams } from './registry.ts';
import { runIndicator } from './run.ts';
import { SMA } from './sma.ts';

function walk(n: number, seed: number): BarSeries {
  const rng = new Rng(seed);
  const s = new BarSeries('W', n, 86_400_000);
  let c = 50;
  for (let i = 0; i < n; i++) {
    const o = c;
    c *= Math.exp(rng.normal() * 0.02);
    s.time[i] = Date.UTC(2024, 0, 1) + i * 86_400_000;
    s.open[i] = o;
    s.high[i] = Math.max(o, c) * 1.01;
    s.low[i] = Math.min(o, c) * 0.99;
    s.close[i] = c;
    s.volume[i] = 1000 + i;
  }
  return s;
}

const bars = walk(80, 3);

describe('runIndicator', () => {
  it('returns one value per bar, null during warm-up, with defaults filled in', () => {
    const r = runIndicator('sma', { period: 10 }, bars);
    expect(r.name).toBe('sma');
    expect(r.params).toEqual({ period: 10, source: 'close' });
    const values = r.values as (number | null)[];
    expect(values).toHaveLength(80);
    expect(values.slice(0, 9).every((v) => v === null)).toBe(true);
    const ref = foldScalar(new SMA(10), bars.close);
    for (let i = 9; i < 80; i++) expect(values[i]).toBe(ref[i]);
  });

  it('returns an object of aligned arrays for multi-output indicators', () => {
    const r = runIndicator('macd', {}, bars);
    expect(r.params).toMatchObject({ fast: 12, slow: 26, signal: 9 });
    const v = r.values as Record<string, (number | null)[]>;
    expect(Object.keys(v)).toEqual(['macd', 'signal', 'histogram']);
    expect(v['macd']![32]).toBeNull();
    expect(v['macd']![33]).not.toBeNull();
    expect(v['histogram']![40]).toBeCloseTo(v['macd']![40]! - v['signal']![40]!, 12);
  });

  it('accepts params as strings, as given on the command line', () => {
    const a = runIndicator('ema', { period: '7' }, bars);
    const b = runIndicator('ema', { period: 7 }, bars);
    expect(a.values).toEqual(b.values);
    expect(runIndicator('bbands', { mult: '2.5' }, bars).params['mult']).toBe(2.5);
  });

  it('reads another field or a derived price through the source param', () => {
    const hl2 = runIndicator('sma', { period: 1, source: 'hl2' }, bars).values as number[];
    expect(hl2[5]).toBe((bars.high[5]! + bars.low[5]!) / 2);
    const vol = runIndicator('sma', { period: 1, source: 'volume' }, bars).values as number[];
    expect(vol[5]).toBe(1005);
  });

  it('reads y from a second series for pair indicators', () => {
    const other = walk(80, 4);
    const r = runIndicator('correlation', { period: 10 }, bars, { other }).values as (number | null)[];
    const self = runIndicator('correlation', { period: 10 }, bars).values as (number | null)[];
    expect(self[20]).toBeCloseTo(1, 12);
    expect(Math.abs(r[20]!)).toBeLessThan(1);
    expect(() => runIndicator('beta', {}, bars, { other: walk(50, 4) })).toThrow(ConfigError);
  });

  it('parses an anchor given as an ISO date', () => {
    const r = runIndicator('anchored_vwap', { anchor: '2024-01-11' }, bars);
    expect(r.params['anchor']).toBe(Date.UTC(2024, 0, 11));
    const v = r.values as (number | null)[];
    expect(v[9]).toBeNull();
    expect(v[10]).toBeCloseTo((bars.high[10]! + bars.low[10]! + bars.close[10]!) / 3, 12);
  });

  it('rejects unknown indicators, unknown params and invalid values with a ConfigError naming them', () => {
    expect(() => runIndicator('nope', {}, bars)).toThrow(/unknown indicator "nope"/);
    expect(() => runIndicator('sma', { perod: 3 }, bars)).toThrow(ConfigError);
    try {
      runIndicator('sma', { perod: 3 }, bars);
    } catch (e) {
      expect((e as ConfigError).where.field).toBe('perod');
    }
    expect(() => runIndicator('sma', { period: 0 }, bars)).toThrow(ConfigError);
    expect(() => runIndicator('sma', { period: 'abc' }, bars)).toThrow(ConfigError);
    expect(() => runIndicator('sma', { period: 2.5 }, bars)).toThrow(ConfigError);
    expect(() => runIndicator('macd', { fast: 30, slow: 26 }, bars)).toThrow(/fastPeriod must be below slowPeriod/);
    expect(() => runIndicator('anchored_vwap', { anchor: 'yesterday-ish' }, bars)).toThrow(ConfigError);
  });

  it('every registered indicator runs on its defaults and reports every declared output', () => {
    for (const def of listIndicators()) {
      const r = runIndicator(def.name, {}, bars);
      if (def.outputs.length === 1 && def.outputs[0] === 'value') expect(Array.isArray(r.values)).toBe(true);
      else expect(Object.keys(r.values)).toEqual(def.outputs);
      expect(parseParams(getIndicator(def.name), {})).toEqual(r.params);
    }
  });
});
