// One symbol's OHLCV path: factor exposures + its own GARCH noise, then gaps, wicks and volume.
import type { Rng } from '../core/rng.ts';
import type { BarSeries } from '../model/bar.ts';
import type { FactorPath } from './synthetic-factors.ts';
import {
  BETA_RANGE, DAILY_VOLUME_RANGE, GARCH, GARCH_OMEGA, IDIO_VOL_RANGE, MARKET_VOL, OVERNIGHT_GAP, SECTOR_LOADING_RANGE, SECTOR_VOL,
  START_PRICE_RANGE, TRADING_DAYS_PER_YEAR, WICK,
} from './synthetic-params.ts';
import { laplace16, studentT, uniform16 } from './synthetic-random.ts';

export interface SymbolParams {
  readonly beta: number;
  readonly sectorLoading: number;
  readonly idioVol: number;
  readonly startPrice: number;
  readonly dailyVolume: number;
}

/** What every symbol shares: the regime-driven drift and scale, factor paths and the session layout. */
export interface MarketPaths {
  readonly drift: Float64Array;
  readonly scale: Float64Array;
  readonly market: FactorPath;
  readonly barOfDay: Uint16Array;
  readonly barsPerDay: number;
}

const between = (rng: Rng, [lo, hi]: readonly [number, number]): number => lo + (hi - lo) * rng.next();
const logBetween = (rng: Rng, [lo, hi]: readonly [number, number]): number => lo * Math.exp(Math.log(hi / lo) * rng.next());

export function drawSymbolParams(rng: Rng): SymbolParams {
  return {
    beta: between(rng, BETA_RANGE),
    sectorLoading: between(rng, SECTOR_LOADING_RANGE),
    idioVol: between(rng, IDIO_VOL_RANGE),
    startPrice: Math.round(logBetween(rng, START_PRICE_RANGE) * 100) / 100,
    dailyVolume: logBetween(rng, DAILY_VOLUME_RANGE),
  };
}

/** Rounds to the 0.01 tick, never below one tick. */
function tick(x: number): number {
  const r = Math.round(x * 100) / 100;
  return r < 0.01 ? 0.01 : r;
}

/** U-shaped intraday volume profile (busy open and close) with mean 1. */
function volumeProfile(barsPerDay: number): Float64Array {
  const shape = new Float64Array(barsPerDay).fill(1);
  if (barsPerDay === 1) return shape;
  const mid = (barsPerDay - 1) / 2;
  let sum = 0;
  for (let k = 0; k < barsPerDay; k++) sum += shape[k] = 1 + 1.5 * ((k - mid) / mid) ** 2;
  for (let k = 0; k < barsPerDay; k++) shape[k]! /= sum / barsPerDay;
  return shape;
}

/** Writes the symbol's bars into `out` (whose time column is already set). */
export function fillSymbolBars(out: BarSeries, rng: Rng, p: SymbolParams, m: MarketPaths, sector: FactorPath): void {
  const { drift, scale, barOfDay, barsPerDay } = m;
  const mShock = m.market.shock;
  const mVar = m.market.variance;
  const sShock = sector.shock;
  const sVar = sector.variance;
  const { open, high, low, close, volume } = out;
  const { beta, sectorLoading: gamma, idioVol } = p;
  const b2 = beta * beta;
  const g2 = gamma * gamma;
  const { alpha, gamma: leverage, beta: persistence } = GARCH;
  const profile = volumeProfile(barsPerDay);
  const gapScale = OVERNIGHT_GAP * Math.sqrt(barsPerDay);
  // Reference sd of a calm bar, so volume scales with the bar's volatility relative to normal.
  const refSd = Math.sqrt((b2 * MARKET_VOL ** 2 + g2 * SECTOR_VOL ** 2 + idioVol ** 2) / (TRADING_DAYS_PER_YEAR * barsPerDay));
  const barVolume = p.dailyVolume / barsPerDay;
  let price = p.startPrice;
  let h = 1;
  const bars = out.length;
  for (let t = 0; t < bars; t++) {
    const z = studentT(rng);
    const idioSd = scale[t]! * idioVol * Math.sqrt(h);
    h = GARCH_OMEGA + (z < 0 ? alpha + leverage : alpha) * h * z * z + persistence * h;
    const noise = beta * mShock[t]! + gamma * sShock[t]! + idioSd * z;
    const sd = Math.sqrt(b2 * mVar[t]! + g2 * sVar[t]! + idioSd * idioSd);
    const k = barOfDay[t]!;
    const extra = rng.nextU32(); // high half: volume noise; low half: the session's opening gap
    const o = k === 0 ? price * Math.exp(gapScale * sd * laplace16(extra & 0xffff)) : price;
    const c = price * Math.exp(drift[t]! + noise);
    const top = o > c ? o : c;
    const bottom = o > c ? c : o;
    open[t] = tick(o);
    close[t] = tick(c);
    const wicks = rng.nextU32();
    const wu = uniform16(wicks >>> 16);
    const wl = uniform16(wicks & 0xffff);
    high[t] = tick(top * (1 + 3 * WICK * sd * wu * wu));
    low[t] = tick(bottom / (1 + 3 * WICK * sd * wl * wl));
    const surprise = Math.abs(noise) / sd;
    const activity = Math.sqrt(sd / refSd) * (0.7 + 0.3 * surprise);
    volume[t] = Math.round(barVolume * profile[k]! * activity * (0.5 + uniform16(extra >>> 16)));
    price = c;
  }
}
