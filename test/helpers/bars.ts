// Tiny hand-built bar series for engine and venue tests.
import { writeFileSync } from 'node:fs';
import { Rng } from '../../src/core/rng.ts';
import { MS_PER_DAY } from '../../src/core/time.ts';
import { BarSeries } from '../../src/model/bar.ts';

/** Monday 2024-01-01 00:00 UTC: the first bar of every hand-built series. */
export const T0 = Date.UTC(2024, 0, 1);

/** [open, high, low, close] or [open, high, low, close, volume]. */
export type Ohlc = readonly [number, number, number, number] | readonly [number, number, number, number, number];

/** A series from OHLC rows, one bar per `stepMs` from `startMs` (daily by default), volume 1e6 unless given. */
export function series(rows: readonly Ohlc[], opts: { symbol?: string; stepMs?: number; startMs?: number; times?: readonly number[] } = {}): BarSeries {
  const stepMs = opts.stepMs ?? MS_PER_DAY;
  const startMs = opts.startMs ?? T0;
  return BarSeries.fromBars(
    opts.symbol ?? 'X',
    rows.map((r, i) => ({ tsEventMs: opts.times?.[i] ?? startMs + i * stepMs, open: r[0], high: r[1], low: r[2], close: r[3], volume: r[4] ?? 1e6 })),
    stepMs,
  );
}

/** `n` flat bars at `price`: nothing can trigger on them unless the price is crossed. */
export function flat(n: number, price = 100, volume = 1e6): Ohlc[] {
  return Array.from({ length: n }, () => [price, price, price, price, volume] as const);
}

/** Time of bar `i` of a daily series starting at T0. */
export function dayMs(i: number): number {
  return T0 + i * MS_PER_DAY;
}

/** A seeded geometric random walk with consistent OHLC (daily bars unless told). */
export function randomWalk(n: number, seed: number, opts: { symbol?: string; stepMs?: number; startMs?: number; vol?: number; start?: number } = {}): BarSeries {
  const rng = new Rng(seed);
  const stepMs = opts.stepMs ?? MS_PER_DAY;
  const vol = opts.vol ?? 0.02;
  const s = new BarSeries(opts.symbol ?? 'X', n, stepMs);
  let price = opts.start ?? 100;
  for (let i = 0; i < n; i++) {
    const open = Math.round(price * (1 + 0.003 * rng.normal()) * 100) / 100;
    const close = Math.max(0.5, Math.round(open * Math.exp(vol * rng.normal()) * 100) / 100);
    s.time[i] = (opts.startMs ?? T0) + i * stepMs;
    s.open[i] = open;
    s.close[i] = close;
    s.high[i] = Math.round(Math.max(open, close) * (1 + 0.01 * rng.next()) * 100) / 100;
    s.low[i] = Math.round(Math.min(open, close) * (1 - 0.01 * rng.next()) * 100) / 100;
    s.volume[i] = 10_000 + Math.floor(rng.next() * 90_000);
    price = close;
  }
  return s;
}

/**
 * Writes a daily Yahoo-style CSV of a seeded random walk (start 50, 2% daily volatility, prices in cents)
 * to `path`, from the UTC day `startMs`; returns the path.
 */
export function writeWalkCsv(path: string, n: number, seed: number, startMs: number): string {
  const rng = new Rng(seed);
  const rows = ['Date,Open,High,Low,Close,Volume'];
  let p = 50;
  for (let i = 0; i < n; i++) {
    const o = p;
    p = Math.max(1, p * Math.exp(0.02 * rng.normal()));
    const d = new Date(startMs + i * MS_PER_DAY).toISOString().slice(0, 10);
    rows.push(`${d},${o.toFixed(2)},${(Math.max(o, p) * 1.01).toFixed(2)},${(Math.min(o, p) * 0.99).toFixed(2)},${p.toFixed(2)},50000`);
  }
  writeFileSync(path, rows.join('\n') + '\n');
  return path;
}
