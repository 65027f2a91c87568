// What a strategy context needs from the kernel. The kernel implements it; the context depends on this
// interface only, which keeps the two files free of an import cycle.
import type { Bar } from '../model/bar.ts';
import type { Order, OrderLinks, OrderRequest } from '../model/order.ts';
import type { OrderCache } from '../execution/order-cache.ts';
import type { Portfolio } from '../portfolio/portfolio.ts';
import type { Feed } from './feed.ts';

export interface KernelPort {
  /** Orders (the ExecutionEngine's cache): strategies read their working orders here, never from a venue. */
  readonly orderCache: OrderCache;
  /** Every bar is known before the run (backtests), so indicator lines can be computed up front. */
  readonly wholeSeries: boolean;
  /** Orders sized or rounded to zero units (nothing sent); counted for run warnings. */
  zeroSized: number;
  nowMs(): number;
  book(strategyId: string): Portfolio;
  feedOf(symbol: string): Feed | undefined;
  symbols(): readonly string[];
  lastBar(symbol: string): Bar | null;
  lastPrice(symbol: string): number;
  /** `id`: the client order id to give the order (a bracket's children are named after their entry); else the next one. */
  submit(strategyId: string, request: OrderRequest, links?: OrderLinks, id?: string): Order | null;
  cancel(orderId: string): void;
  log(strategyId: string, message: string): void;
}
