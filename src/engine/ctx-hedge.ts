// ctx.hedge: the correlation-aware hedging of src/risk/hedging over the strategy's own positions,
// with returns read from the symbols' histories up to the current bar (docs/hedging.md).
import { ConfigError } from '../core/errors.ts';
import type { OrderRequest } from '../model/order.ts';
import { hedgeOrders, proposeHedges, type HedgeInstrument, type HedgePlan, type HedgePosition, type IndexSpec } from '../risk/hedging/index.ts';
import type { History } from '../strategies/context.ts';
import { parseHedgeRequest, type HedgeRequest } from '../strategies/hedge-options.ts';
import { alignedReturns } from './ctx-returns.ts';

/** What the hedge reads about the strategy and the run. */
export interface HedgeInputs {
  readonly symbols: readonly string[];
  /** The strategy's own open positions. */
  readonly positions: readonly HedgePosition[];
  readonly equity: number;
  history(symbol: string): History;
  price(symbol: string): number;
  multiplier(symbol: string): number;
  lotSize(symbol: string): number;
}

/** The plan and the orders that carry it out (not yet sent), or null while history is too short. */
export function planHedge(req: HedgeRequest, i: HedgeInputs): { plan: HedgePlan; orders: OrderRequest[]; place: boolean } | null {
  const o = parseHedgeRequest(req);
  const known = new Set(i.symbols);
  const check = (s: string, field: string): string => {
    if (!known.has(s)) throw new ConfigError(`hedge: unknown symbol "${s}"`, { field });
    return s;
  };
  const index: IndexSpec = typeof o.index === 'string'
    ? { kind: 'symbol', symbol: check(o.index, 'index') }
    : { kind: 'equal-weight', ...(o.index.symbols === undefined ? {} : { symbols: o.index.symbols.map((s) => check(s, 'index.symbols')) }) };
  const hedgeSymbol = o.hedgeSymbol === undefined ? (index.kind === 'symbol' ? index.symbol : undefined) : check(o.hedgeSymbol, 'hedgeSymbol');
  if (o.maxBetaExposurePct != null && hedgeSymbol === undefined) throw new ConfigError('hedge: an equal-weight index needs `hedgeSymbol` to hedge beta with', { field: 'hedgeSymbol' });

  const needed = new Set<string>(i.positions.map((p) => p.symbol));
  if (index.kind === 'symbol') needed.add(index.symbol);
  else for (const s of index.symbols ?? i.symbols) needed.add(s);
  if (hedgeSymbol !== undefined && o.hedgeBeta === undefined) needed.add(hedgeSymbol);
  const histories = new Map<string, History>([...needed].map((s) => [s, i.history(s)]));
  const returns = alignedReturns(histories, o.lookback, 'hedge');
  if (returns === null) return null;

  const hedge: HedgeInstrument | undefined = hedgeSymbol === undefined ? undefined : {
    symbol: hedgeSymbol, price: i.price(hedgeSymbol), multiplier: i.multiplier(hedgeSymbol), lotSize: i.lotSize(hedgeSymbol),
    ...(o.hedgeBeta === undefined ? {} : { beta: o.hedgeBeta }),
  };
  const plan = proposeHedges(i.positions, returns, {
    index,
    limits: { equity: i.equity, maxBetaExposurePct: o.maxBetaExposurePct ?? null, maxClusterPct: o.maxClusterPct ?? null },
    ...(hedge === undefined ? {} : { hedge }),
    ...(o.hedgeRatio === undefined ? {} : { hedgeRatio: o.hedgeRatio }),
    ...(o.clusterThreshold === undefined ? {} : { clusterThreshold: o.clusterThreshold }),
  });
  return { plan, orders: hedgeOrders(plan.proposals, o.tag), place: o.place };
}
