// The risk-based sizers of ctx.size (Kelly, volatility target, ATR risk, equal risk contribution),
// computed by the library rules of src/risk/sizing from the strategy's history up to the current bar.
import { annualizedVol, atrRiskQty, equalRiskContribution, kellyQty, volTargetQty } from '../risk/sizing/index.ts';
import type { ErcSizing, History, Line } from '../strategies/context.ts';
import { parseErcRequest, type ErcRequest } from '../strategies/hedge-options.ts';
import { ConfigError } from '../core/errors.ts';
import { sizers, type RiskSizer } from '../strategies/sizing.ts';
import { alignedReturns, covariance } from './ctx-returns.ts';

/** What a risk sizer reads about the symbol and the strategy when an order is made. */
export interface RiskSizingInput {
  readonly equity: number;
  readonly price: number;
  readonly lotSize: number;
  /** Contract multiplier (currency value of one unit per price point). */
  readonly pointValue: number;
  readonly history: History;
  /** The symbol's ATR line for a period (the `atr` indicator). */
  atr(period: number): Line;
}

/** Unsigned units for a risk sizer; 0 while the data it needs is not there yet (warm-up, flat prices). */
export function riskSizedQty(s: RiskSizer, i: RiskSizingInput): number {
  const { equity, price, lotSize, pointValue } = i;
  switch (s.kind) {
    case 'kelly':
      return kellyQty({ equity, price: price * pointValue, lotSize, winRate: s.winRate, payoffRatio: s.payoffRatio, multiplier: s.multiplier, cap: s.cap });
    case 'vol-target': {
      if (i.history.length < s.lookback + 1) return 0;
      const c = i.history.closes(s.lookback + 1);
      const r = new Float64Array(s.lookback);
      for (let k = 0; k < s.lookback; k++) r[k] = c[k + 1]! / c[k]! - 1;
      const vol = annualizedVol(r, s.periodsPerYear);
      if (!(vol > 0)) return 0;
      return volTargetQty({ equity, price, targetAnnualVol: s.targetVol, realizedAnnualVol: vol, lotSize, pointValue, ...(s.maxLeverage === undefined ? {} : { maxLeverage: s.maxLeverage }) });
    }
    case 'atr-risk': {
      const atr = i.atr(s.atrPeriod).value;
      if (atr === null || !(atr > 0)) return 0;
      return atrRiskQty({ equity, riskFraction: s.riskFraction, atr, atrMultiple: s.atrMultiple, lotSize, pointValue });
    }
  }
}

/** ctx.size.erc: risk-parity weights from the covariance of the symbols' aligned returns. */
export function ercSizing(symbols: readonly string[], histories: ReadonlyMap<string, History>, opts: ErcRequest | undefined): ErcSizing | null {
  const o = parseErcRequest(opts);
  if (symbols.length === 0) throw new ConfigError('size.erc: give at least one symbol', { field: 'symbols' });
  if (new Set(symbols).size !== symbols.length) throw new ConfigError('size.erc: a symbol is listed twice', { field: 'symbols' });
  if (o.budgets !== undefined && o.budgets.length !== symbols.length) throw new ConfigError(`size.erc: ${o.budgets.length} budgets for ${symbols.length} symbols`, { field: 'budgets' });
  const returns = alignedReturns(histories, o.lookback, 'size.erc');
  if (returns === null) return null;
  const cov = covariance(symbols.map((s) => returns[s]!));
  for (let i = 0; i < symbols.length; i++) if (!(cov[i]![i]! > 0)) throw new ConfigError(`size.erc: ${symbols[i]} did not move over the last ${o.lookback} bars (zero variance)`, { field: 'symbols' });
  const r = equalRiskContribution(cov, o.budgets === undefined ? {} : { budgets: o.budgets });
  const weights: Record<string, number> = {};
  const riskShares: Record<string, number> = {};
  symbols.forEach((s, k) => {
    weights[s] = r.weights[k]!;
    riskShares[s] = r.riskShares[k]!;
  });
  return Object.freeze({
    symbols: Object.freeze([...symbols]),
    weights: Object.freeze(weights),
    riskShares: Object.freeze(riskShares),
    volatility: r.volatility,
    converged: r.converged,
    sizer(symbol: string) {
      const w = Object.hasOwn(weights, symbol) ? weights[symbol] : undefined;
      if (w === undefined) throw new ConfigError(`size.erc: ${symbol} is not one of ${symbols.join(', ')}`, { field: 'symbol' });
      return sizers.pctEquity(w * o.pctEquity);
    },
  });
}
