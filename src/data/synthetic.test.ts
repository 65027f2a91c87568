import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../core/errors.ts';
import type { BarSeries } from '../model/bar.ts';
import { generateMarket, REGIMES } from './synthetic.ts';

// Statistics of one seeded run (seed fixed, so the assertions are deterministic, with wide margins).
const market = generateMarket({ seed: 7 });
const logReturns = (s: BarSeries): Float64Array => {
  const r = new Float64Array(s.length - 1);
  for (let i = 1; i < s.length; i++) r[i - 1] = Math.log(s.close[i]! / s.close[i - 1]!);
  return r;
};
const mean = (a: ArrayLike<number>): number => {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]!;
  return sum / a.length;
};
const corr = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  const ma = mean(a);
  const mb = mean(b);
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += (a[i]! - ma) * (b[i]! - mb);
    aa += (a[i]! - ma) ** 2;
    bb += (b[i]! - mb) ** 2;
  }
  return ab / Math.sqrt(aa * bb);
};
const excessKurtosis = (a: Float64Array): number => {
  const m = mean(a);
  return mean(a.map((x) => (x - m) ** 4)) / mean(a.map((x) => (x - m) ** 2)) ** 2 - 3;
};
const returns = market.series.map(logReturns);
const digest = (series: readonly BarSeries[]): string => {
  const h = createHash('sha256');
  for (const s of series) for (const col of [s.time, s.open, s.high, s.low, s.close, s.volume]) h.update(new Uint8Array(col.buffer));
  return h.digest('hex');
};

describe('generateMarket defaults', () => {
  it('makes 10 equities SYN000..SYN009 of 2520 daily bars with sectors in turn', () => {
    expect(market.instruments.map((i) => i.symbol)).toEqual(['SYN000', 'SYN001', 'SYN002', 'SYN003', 'SYN004', 'SYN005', 'SYN006', 'SYN007', 'SYN008', 'SYN009']);
    expect(market.instruments.map((i) => i.sector).slice(0, 6)).toEqual(['tech', 'finance', 'energy', 'health', 'consumer', 'tech']);
    expect(market.instruments.every((i) => i.assetClass === 'equity' && i.tickSize === 0.01)).toBe(true);
    expect(market.series.map((s) => s.length)).toEqual(Array(10).fill(2520));
    expect(market.series[0]!.timeframeMs).toBe(86_400_000);
    expect(market.series[0]!.time[0]).toBe(Date.UTC(2015, 0, 2));
  });

  it('produces valid OHLC on a 0.01 tick with non-negative whole volumes', () => {
    let bad = 0;
    for (const s of market.series) {
      for (let i = 0; i < s.length; i++) {
        const [o, h, l, c, v] = [s.open[i]!, s.high[i]!, s.low[i]!, s.close[i]!, s.volume[i]!];
        if (!(l > 0 && l <= Math.min(o, c) && h >= Math.max(o, c))) bad++;
        for (const p of [o, h, l, c]) if (Math.round(p * 100) / 100 !== p) bad++;
        if (!Number.isInteger(v) || v < 0) bad++;
      }
    }
    expect(bad).toBe(0);
  });

  it('skips weekends in daily bars', () => {
    const t = market.series[0]!.time;
    const weekend = Array.from(t).filter((x) => [0, 6].includes(new Date(x).getUTCDay()));
    expect(weekend).toEqual([]);
    expect(t[1]! - t[0]!).toBe(3 * 86_400_000); // Friday 2015-01-02 -> Monday
  });
});

describe('generateMarket statistics', () => {
  it('has fat-tailed returns (excess kurtosis clearly above 0)', () => {
    for (const r of returns) expect(excessKurtosis(r)).toBeGreaterThan(1);
  });

  it('clusters volatility (squared returns autocorrelate at lag 1)', () => {
    const acf = returns.map((r) => {
      const q = r.map((x) => x * x);
      return corr(q.subarray(0, -1), q.subarray(1));
    });
    expect(mean(acf)).toBeGreaterThan(0.08);
    for (const a of acf) expect(a).toBeGreaterThan(0);
  });

  it('switches between bull, bear and crisis regimes that change drift and volatility', () => {
    // Fifty years, so each regime has enough bars for its drift to stand out of the noise.
    const long = generateMarket({ seed: 7, symbols: 5, bars: 12_600 });
    const rets = long.series.map(logReturns);
    const r = rets[0]!.map((_, i) => mean(rets.map((x) => x[i]!))); // equal-weight market return
    const byRegime = REGIMES.map((_, g) => r.filter((_, i) => long.regimes[i + 1] === g));
    const vol = byRegime.map((x) => Math.sqrt(mean(x.map((v) => v * v))));
    expect(byRegime.every((x) => x.length > 200)).toBe(true);
    let switches = 0;
    for (let i = 1; i < long.regimes.length; i++) if (long.regimes[i] !== long.regimes[i - 1]) switches++;
    expect(switches).toBeGreaterThan(50);
    expect(vol[2]!).toBeGreaterThan(vol[1]!);
    expect(vol[1]!).toBeGreaterThan(vol[0]!);
    expect(mean(byRegime[0]!)).toBeGreaterThan(mean(byRegime[2]!));
  });

  it('correlates same-sector pairs more than cross-sector pairs, and all pairs positively', () => {
    const same: number[] = [];
    const cross: number[] = [];
    for (let i = 0; i < returns.length; i++) {
      for (let j = i + 1; j < returns.length; j++) {
        const c = corr(returns[i]!, returns[j]!);
        expect(c).toBeGreaterThan(0);
        (market.instruments[i]!.sector === market.instruments[j]!.sector ? same : cross).push(c);
      }
    }
    expect(mean(same)).toBeGreaterThan(mean(cross) + 0.05);
  });

  it('raises volume with volatility (|return| and volume correlate)', () => {
    market.series.forEach((s, k) => expect(corr(returns[k]!.map(Math.abs), s.volume.subarray(1))).toBeGreaterThan(0.2));
  });
});

describe('generateMarket determinism and options', () => {
  it('gives byte-identical data for the same seed and different data for different seeds', () => {
    expect(digest(generateMarket({ seed: 7 }).series)).toBe(digest(market.series));
    expect(digest(generateMarket({ seed: 8 }).series)).not.toBe(digest(market.series));
  });

  it('keeps hourly and minute bars inside 09:30-16:00 New York time on weekdays', () => {
    const ny = new Intl.DateTimeFormat('en-US', { timeZone: 'America/New_York', hour12: false, weekday: 'short', hour: '2-digit', minute: '2-digit' });
    for (const timeframe of ['1h', '1m'] as const) {
      const s = generateMarket({ seed: 1, symbols: 1, bars: timeframe === '1h' ? 7 * 300 : 390 * 5, timeframe, startMs: Date.UTC(2021, 0, 1) }).series[0]!;
      for (let i = 0; i < s.length; i += timeframe === '1h' ? 1 : 7) {
        const parts = Object.fromEntries(ny.formatToParts(s.time[i]!).map((p) => [p.type, p.value]));
        const minute = Number(parts.hour) * 60 + Number(parts.minute);
        expect(['Sat', 'Sun']).not.toContain(parts.weekday);
        expect(minute >= 570 && minute < 960, `${new Date(s.time[i]!).toISOString()}`).toBe(true);
      }
      expect(s.timeframeMs).toBe(timeframe === '1h' ? 3_600_000 : 60_000);
    }
  });

  it('accepts explicit symbols, sectors and bar counts', () => {
    const m = generateMarket({ seed: 3, symbols: ['AAA', 'BBB', 'CCC'], sectors: ['x', 'y'], bars: 50 });
    expect(m.instruments.map((i) => [i.symbol, i.sector])).toEqual([['AAA', 'x'], ['BBB', 'y'], ['CCC', 'x']]);
    expect(m.series.map((s) => s.length)).toEqual([50, 50, 50]);
    expect(m.regimes.length).toBe(50);
  });

  it('rejects invalid options with a ConfigError naming the option', () => {
    expect(() => generateMarket({ seed: -1 })).toThrow(ConfigError);
    expect(() => generateMarket({ seed: 1, bars: 0 })).toThrow(/bars/);
    expect(() => generateMarket({ seed: 1, symbols: ['A', 'A'] })).toThrow(/unique/);
    expect(() => generateMarket({ seed: 1, sectors: [] })).toThrow(/sectors/);
  });
});
