// `sextant option`: Black-Scholes-Merton price and Greeks, or the implied volatility of a given price.
import { ConfigError, InputError } from '../core/errors.ts';
import { bsmGreeks, solveImpliedVol, type BsmParams, type Greeks } from '../risk/options/index.ts';

export interface OptionRequest {
  readonly type: string;
  readonly spot: number;
  readonly strike: number;
  readonly days: number;
  readonly rate: number;
  readonly vol?: number;
  readonly div?: number;
  /** A market price: solve for the implied volatility instead of taking `vol`. */
  readonly price?: number;
}

export interface OptionReport {
  inputs: { type: 'call' | 'put'; spot: number; strike: number; days: number; timeYears: number; rate: number; dividendYield: number; vol: number };
  impliedVol: number | null;
  greeks: Greeks;
}

export function runOption(req: OptionRequest): OptionReport {
  if (req.type !== 'call' && req.type !== 'put') throw new ConfigError(`--type must be call or put, got "${req.type}"`, { field: '--type' });
  for (const [k, v] of [['spot', req.spot], ['strike', req.strike]] as const) if (!(v > 0)) throw new ConfigError(`--${k} must be positive, got ${v}`, { field: `--${k}` });
  if (!(req.days >= 0)) throw new ConfigError(`--days must be >= 0, got ${req.days}`, { field: '--days' });
  const base = { right: req.type, spot: req.spot, strike: req.strike, timeYears: req.days / 365, rate: req.rate, dividendYield: req.div ?? 0 } as const;
  let vol = req.vol;
  let iv: number | null = null;
  if (req.price !== undefined) {
    const r = solveImpliedVol(req.price, base);
    if (!r.ok) throw new InputError(`no implied volatility for price ${req.price}: ${r.message}`, { field: '--price' });
    iv = vol = r.vol;
  }
  if (vol === undefined || !(vol > 0)) throw new ConfigError('--vol (or --price to solve for it) is required and must be positive', { field: '--vol' });
  const params: BsmParams = { ...base, vol };
  return { inputs: { type: req.type, spot: req.spot, strike: req.strike, days: req.days, timeYears: base.timeYears, rate: req.rate, dividendYield: base.dividendYield, vol }, impliedVol: iv, greeks: bsmGreeks(params) };
}
