// Correlation-aware exposure and hedge proposals (docs/hedging.md): beta-weighted dollar exposure of
// each position to an index, clusters of highly correlated positions, and, when limits are exceeded,
// a beta hedge in an index instrument and pro-rata reductions of over-sized clusters.
import { InputError } from '../../core/errors.ts';
import type { OrderRequest } from '../../model/order.ts';
import type { ReturnHistories } from '../var/var.ts';
import { clusterByCorrelation, correlationMatrix, indexLabel, indexReturns, olsBeta, type IndexSpec } from './beta.ts';

/** A position: signed quantity at its latest price. value = qty × price × multiplier. */
export interface HedgePosition {
  readonly symbol: string;
  readonly qty: number;
  readonly price: number;
  readonly multiplier?: number;
  /** Lot size for reductions (default 1). */
  readonly lotSize?: number;
}

export interface ExposureOptions {
  readonly index: IndexSpec;
  /** Correlation at or above which positions belong in one cluster (complete linkage). Default 0.8. */
  readonly clusterThreshold?: number;
}

export interface PositionExposure {
  readonly symbol: string;
  readonly qty: number;
  /** Signed market value. */
  readonly value: number;
  readonly beta: number;
  readonly alpha: number;
  /** Correlation with the index. */
  readonly correlation: number;
  /** beta × value: the index-equivalent dollar exposure. */
  readonly betaValue: number;
}

export interface ExposureCluster {
  readonly symbols: readonly string[];
  /** Σ value of its positions (what moves together). */
  readonly netValue: number;
  readonly grossValue: number;
  readonly betaValue: number;
  /** Lowest pairwise correlation inside the cluster. */
  readonly minCorrelation: number;
}

export interface CorrelatedExposure {
  /** The index: its symbol or `equal-weight(…)`. */
  readonly index: string;
  readonly positions: readonly PositionExposure[];
  /** Σ beta × value. */
  readonly betaExposure: number;
  readonly netValue: number;
  readonly grossValue: number;
  /** Clusters of two or more positions, largest |netValue| first. */
  readonly clusters: readonly ExposureCluster[];
  /** Correlations of the positions' returns, in the order of `positions`. */
  readonly correlation: readonly (readonly number[])[];
}

function valueOf(p: HedgePosition): number {
  const v = p.qty * p.price * (p.multiplier ?? 1);
  if (!Number.isFinite(v) || !(p.price > 0)) throw new InputError(`position ${p.symbol}: qty ${p.qty} at price ${p.price} has no finite positive-price value`, { field: p.symbol });
  return v;
}

/**
 * Beta-weighted exposure of `positions` to an index and clusters of highly correlated positions.
 * `returns` holds aligned simple returns per symbol (every position's symbol, and the index's).
 * Positions in one symbol are netted; flat ones are left out.
 */
export function correlatedExposure(positions: readonly HedgePosition[], returns: ReturnHistories, opts: ExposureOptions): CorrelatedExposure {
  const net = new Map<string, HedgePosition>();
  for (const p of positions) {
    valueOf(p);
    const prev = net.get(p.symbol);
    net.set(p.symbol, prev === undefined ? p : { ...p, qty: prev.qty + p.qty });
  }
  const open = [...net.values()].filter((p) => p.qty !== 0);
  const idx = indexReturns(returns, opts.index);
  const label = indexLabel(returns, opts.index);
  const series = open.map((p) => {
    const r = Object.hasOwn(returns, p.symbol) ? returns[p.symbol] : undefined;
    if (r === undefined) throw new InputError(`no return history for ${p.symbol}`, { field: p.symbol });
    return r;
  });
  const rows: PositionExposure[] = open.map((p, i) => {
    const fit = olsBeta(series[i]!, idx, { y: p.symbol, x: label });
    const value = valueOf(p);
    return { symbol: p.symbol, qty: p.qty, value, beta: fit.beta, alpha: fit.alpha, correlation: fit.correlation, betaValue: fit.beta * value };
  });
  const corr = open.length === 0 ? [] : correlationMatrix(series);
  const clusters = open.length === 0 ? [] : clusterByCorrelation(corr, opts.clusterThreshold ?? 0.8)
    .filter((c) => c.length >= 2)
    .map((c): ExposureCluster => {
      let minCorrelation = 1;
      for (const a of c) for (const b of c) minCorrelation = Math.min(minCorrelation, corr[a]![b]!);
      return {
        symbols: c.map((i) => rows[i]!.symbol),
        netValue: c.reduce((s, i) => s + rows[i]!.value, 0),
        grossValue: c.reduce((s, i) => s + Math.abs(rows[i]!.value), 0),
        betaValue: c.reduce((s, i) => s + rows[i]!.betaValue, 0),
        minCorrelation,
      };
    })
    .sort((a, b) => Math.abs(b.netValue) - Math.abs(a.netValue));
  return {
    index: label,
    positions: rows,
    betaExposure: rows.reduce((s, r) => s + r.betaValue, 0),
    netValue: rows.reduce((s, r) => s + r.value, 0),
    grossValue: rows.reduce((s, r) => s + Math.abs(r.value), 0),
    clusters,
    correlation: corr,
  };
}

/** Limits in percent of equity (5 = 5%); null or absent switches one off. */
export interface HedgeLimits {
  readonly equity: number;
  /** Max |Σ beta × value| / equity. */
  readonly maxBetaExposurePct?: number | null;
  /** Max |net value| of one correlated cluster / equity. */
  readonly maxClusterPct?: number | null;
}

/** The instrument a beta hedge trades, e.g. an index ETF or future. */
export interface HedgeInstrument {
  readonly symbol: string;
  readonly price: number;
  readonly multiplier?: number;
  /** Quantities are rounded to the nearest multiple (default 1). */
  readonly lotSize?: number;
  /**
   * Its beta to the index: 1 when it is the index itself; otherwise measured from its return
   * history when `returns` has one; give it explicitly for anything else.
   */
  readonly beta?: number;
}

export interface HedgeOptions extends ExposureOptions {
  readonly limits: HedgeLimits;
  /** Needed for a beta hedge; without it a beta breach is reported with no proposal. */
  readonly hedge?: HedgeInstrument;
  /** Fraction of the beta exposure the hedge offsets (default 1: fully). */
  readonly hedgeRatio?: number;
}

export interface LimitBreach {
  readonly limit: 'beta-exposure' | 'cluster';
  readonly message: string;
  /** Value in percent of equity. */
  readonly valuePct: number;
  readonly maxPct: number;
  /** The cluster's symbols (cluster breaches). */
  readonly symbols?: readonly string[];
}

export type HedgeProposal =
  | {
      readonly kind: 'beta-hedge';
      readonly symbol: string;
      /** Signed quantity to trade (negative = sell/short). */
      readonly qty: number;
      readonly hedgeBeta: number;
      readonly betaExposureBefore: number;
      readonly betaExposureAfter: number;
    }
  | {
      readonly kind: 'cluster-reduce';
      readonly symbols: readonly string[];
      /** Signed quantities that shrink the positions on the cluster's net side. */
      readonly trades: readonly { readonly symbol: string; readonly qty: number }[];
      readonly netValueBefore: number;
      readonly netValueAfter: number;
    };

export interface HedgePlan {
  readonly exposure: CorrelatedExposure;
  readonly breaches: readonly LimitBreach[];
  readonly proposals: readonly HedgeProposal[];
}

function roundToLot(q: number, lot: number): number {
  const n = Math.round(Math.abs(q) / lot) * lot;
  return Math.sign(q) * Number(n.toPrecision(12));
}

function pctOf(x: number, equity: number): number {
  return (x / equity) * 100;
}

/**
 * Measures exposure and proposes hedges for every limit it exceeds:
 * - **beta hedge**: qty = −hedgeRatio × Σ betaᵢ valueᵢ / (price × multiplier × hedge beta), rounded
 *   to the nearest lot (no proposal when that rounds to 0);
 * - **cluster reduction**: positions on the cluster's net side shrink pro rata until its net value
 *   is back at the limit, each reduction rounded up to a whole lot (never past the position).
 */
export function proposeHedges(positions: readonly HedgePosition[], returns: ReturnHistories, opts: HedgeOptions): HedgePlan {
  const { equity } = opts.limits;
  if (!(equity > 0 && Number.isFinite(equity))) throw new InputError(`equity must be positive, got ${equity}`, { field: 'equity' });
  const ratio = opts.hedgeRatio ?? 1;
  if (!(ratio > 0 && ratio <= 1)) throw new InputError(`hedgeRatio must be in (0, 1], got ${ratio}`, { field: 'hedgeRatio' });
  const exposure = correlatedExposure(positions, returns, opts);
  const breaches: LimitBreach[] = [];
  const proposals: HedgeProposal[] = [];

  const maxBeta = opts.limits.maxBetaExposurePct ?? null;
  if (maxBeta !== null) {
    const pct = pctOf(Math.abs(exposure.betaExposure), equity);
    if (pct > maxBeta) {
      breaches.push({
        limit: 'beta-exposure', valuePct: pct, maxPct: maxBeta,
        message: `beta exposure to ${exposure.index} ${exposure.betaExposure.toFixed(2)} is ${pct.toFixed(2)}% of equity ${equity.toFixed(2)}, max ${maxBeta}%`,
      });
      const h = opts.hedge;
      if (h !== undefined) {
        const hedgeBeta = h.beta ?? hedgeBetaOf(h.symbol, returns, opts.index, exposure.index);
        const unit = h.price * (h.multiplier ?? 1) * hedgeBeta;
        if (!(Math.abs(unit) > 0 && Number.isFinite(unit))) throw new InputError(`hedge ${h.symbol}: price × multiplier × beta must be non-zero, got ${unit}`, { field: 'hedge' });
        const qty = roundToLot((-ratio * exposure.betaExposure) / unit, h.lotSize ?? 1);
        if (qty !== 0) {
          proposals.push({
            kind: 'beta-hedge', symbol: h.symbol, qty, hedgeBeta,
            betaExposureBefore: exposure.betaExposure, betaExposureAfter: exposure.betaExposure + qty * unit,
          });
        }
      }
    }
  }

  const maxCluster = opts.limits.maxClusterPct ?? null;
  if (maxCluster !== null) {
    const cap = (maxCluster / 100) * equity;
    for (const c of exposure.clusters) {
      const pct = pctOf(Math.abs(c.netValue), equity);
      if (!(pct > maxCluster)) continue;
      breaches.push({
        limit: 'cluster', valuePct: pct, maxPct: maxCluster, symbols: c.symbols,
        message: `correlated cluster ${c.symbols.join('+')} (min correlation ${c.minCorrelation.toFixed(2)}) nets ${c.netValue.toFixed(2)}, ${pct.toFixed(2)}% of equity, max ${maxCluster}%`,
      });
      proposals.push(reduceCluster(c, exposure, positions, cap));
    }
  }
  return { exposure, breaches, proposals };
}

function hedgeBetaOf(symbol: string, returns: ReturnHistories, index: IndexSpec, label: string): number {
  if (index.kind === 'symbol' && index.symbol === symbol) return 1;
  const r = Object.hasOwn(returns, symbol) ? returns[symbol] : undefined;
  if (r === undefined) throw new InputError(`hedge ${symbol}: give its beta, or a return history to measure it against ${label}`, { field: 'hedge.beta' });
  return olsBeta(r, indexReturns(returns, index), { y: symbol, x: label }).beta;
}

function reduceCluster(c: ExposureCluster, exposure: CorrelatedExposure, positions: readonly HedgePosition[], cap: number): HedgeProposal {
  const side = Math.sign(c.netValue);
  const excess = Math.abs(c.netValue) - cap;
  const members = exposure.positions.filter((p) => c.symbols.includes(p.symbol) && Math.sign(p.value) === side);
  const sameSide = members.reduce((s, p) => s + Math.abs(p.value), 0);
  const trades: { symbol: string; qty: number }[] = [];
  let after = c.netValue;
  for (const p of members) {
    const lot = positions.find((x) => x.symbol === p.symbol)?.lotSize ?? 1;
    const wanted = (Math.abs(p.qty) * excess) / sameSide;
    const lots = Math.min(Math.ceil(Number((wanted / lot).toPrecision(12))) * lot, Math.abs(p.qty));
    if (lots <= 0) continue;
    const qty = -Math.sign(p.qty) * lots;
    trades.push({ symbol: p.symbol, qty });
    after += (qty / p.qty) * p.value;
  }
  return { kind: 'cluster-reduce', symbols: c.symbols, trades, netValueBefore: c.netValue, netValueAfter: after };
}

/**
 * Market orders that carry out proposals: the beta hedge as a plain order (it opens or adds to a
 * hedge position), cluster reductions as reduce-only orders. Send them through the risk engine as usual.
 */
export function hedgeOrders(proposals: readonly HedgeProposal[], tag = 'hedge'): OrderRequest[] {
  const orders: OrderRequest[] = [];
  for (const p of proposals) {
    if (p.kind === 'beta-hedge') {
      orders.push({ symbol: p.symbol, side: p.qty < 0 ? 'sell' : 'buy', type: 'market', qty: Math.abs(p.qty), tag: `${tag}:beta` });
    } else {
      for (const t of p.trades) orders.push({ symbol: t.symbol, side: t.qty < 0 ? 'sell' : 'buy', type: 'market', qty: Math.abs(t.qty), reduceOnly: true, tag: `${tag}:cluster` });
    }
  }
  return orders;
}
