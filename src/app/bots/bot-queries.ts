// What a transport can read about one bot and the few direct actions on its node that are not operator
// commands (a manual order, cancelling one order, resetting a breaker). A running bot answers from its node;
// a stopped one from the store (its run's rows), so a bot's history outlives its process.
import { z } from 'zod';
import { toIso } from '../../core/time.ts';
import { TradeTracker } from '../../portfolio/trade-tracker.ts';
import { StrategyInfoSchema, strategyInfo } from '../strategy-catalog.ts';
import type { Store } from '../../store/store.ts';
import { ConflictError, NotFoundError } from '../app-errors.ts';
import { FillSchema } from '../dto/fill.ts';
import { TradeSchema, tradeDtoOf } from '../dto/trade.ts';
import { orderView } from '../paper-control.ts';
import { OrderViewSchema, parseAt, type OrderView, type PositionView } from '../node-handle.ts';
import type { BotService } from './bot-service.ts';
import { botRiskReport, type BotRiskQuerySchema, type BotRiskReport } from './bot-risk-report.ts';

export const AccountSchema = z.object({
  botId: z.string(),
  /** Null before the first price of a stopped bot's run. */
  equity: z.number().nullable(),
  cash: z.number().nullable(),
  buyingPower: z.number().nullable(),
  grossExposure: z.number(),
  netExposure: z.number(),
  /** Equity now minus the first equity of today (UTC) in the run. */
  pnlToday: z.number().nullable(),
  /** Equity now minus the run's starting cash. */
  pnlTotal: z.number().nullable(),
  startingCash: z.number().nullable(),
  openPositions: z.number().int(),
  openOrders: z.number().int(),
  halted: z.boolean(),
  source: z.enum(['node', 'store']),
});
export type Account = z.infer<typeof AccountSchema>;

export const BotFillSchema = FillSchema.extend({ orderId: z.string(), strategyId: z.string(), fillId: z.string() });
export const EquityRowSchema = z.object({ time: z.string(), equity: z.number(), cash: z.number() });
export const BreakerSchema = z.object({
  breaker: z.string(), action: z.string(), reason: z.string(), trippedTime: z.string(), resetsTime: z.string().nullable(),
});
export const RiskStateSchema = z.object({
  halted: z.boolean(),
  /** The run's pre-trade checks and circuit breakers as configured. */
  config: z.record(z.string(), z.unknown()).nullable(),
  /** The names of the running bot's circuit breakers, tripped or not ([] when stopped or without breakers). */
  breakers: z.array(z.string()),
  tripped: z.array(BreakerSchema),
  /** Risk events of the run, newest last (breaker trips and resets, kill switch, feed events). */
  events: z.array(z.object({ time: z.string(), kind: z.string(), reason: z.string() })),
});
export const LogEntrySchema = z.object({ time: z.string(), level: z.enum(['info', 'warn', 'error']), source: z.string(), message: z.string() });
/** A strategy of a bot: the catalog's entry (rules, JSON Schema) with the bot's allocation and param values. */
export const BotStrategySchema = StrategyInfoSchema.pick({ name: true, description: true, schema: true }).extend({
  allocation: z.number().nullable(),
  /** The values the bot runs with (its params that this strategy knows). */
  params: z.record(z.string(), z.unknown()),
});

export const ManualOrderSchema = z.strictObject({
  /** The strategy whose book the order is booked in (default: the bot's first strategy). */
  strategyId: z.string().min(1).max(100).optional(),
  symbol: z.string().min(1).max(40),
  side: z.enum(['buy', 'sell']),
  type: z.enum(['market', 'limit', 'stop', 'stop-limit']).default('market'),
  qty: z.number().positive().finite(),
  limitPrice: z.number().positive().finite().optional(),
  stopPrice: z.number().positive().finite().optional(),
  tif: z.enum(['DAY', 'GTC', 'IOC', 'FOK']).optional(),
  reduceOnly: z.boolean().optional(),
}).superRefine((o, ctx) => {
  if ((o.type === 'limit' || o.type === 'stop-limit') && o.limitPrice === undefined) ctx.addIssue({ code: 'custom', path: ['limitPrice'], message: `a ${o.type} order needs limitPrice` });
  if ((o.type === 'stop' || o.type === 'stop-limit') && o.stopPrice === undefined) ctx.addIssue({ code: 'custom', path: ['stopPrice'], message: `a ${o.type} order needs stopPrice` });
});
export type ManualOrder = z.infer<typeof ManualOrderSchema>;
export const ManualOrderResultSchema = z.object({
  order: OrderViewSchema.nullable(),
  /** `denied` by pre-trade risk (reason given), `submitted` to the venue, `zero` when the quantity rounded to nothing. */
  outcome: z.enum(['submitted', 'denied', 'zero']),
  reason: z.string().nullable(),
});

export interface Page {
  readonly limit: number;
  readonly offset: number;
}

const page = <T>(rows: readonly T[], p: Page): T[] => rows.slice(p.offset, p.offset + p.limit);
const startOfUtcDay = (ms: number): number => ms - (ms % 86_400_000);

export class BotQueries {
  readonly #store: Store;
  readonly #bots: BotService;
  readonly #dayOpens = new Map<string, { dayMs: number; equity: number }>();

  constructor(store: Store, bots: BotService) {
    this.#store = store;
    this.#bots = bots;
  }

  async account(id: string): Promise<z.infer<typeof AccountSchema>> {
    // A busy dashboard polls this: a running bot answers from memory (its node, its plan, today's opening
    // equity read once a day); a stopped one with point reads of the store. (sessionOrNull is the unknown
    // id's 404 too: no bot view, whose node status this answer does not use, is built.)
    const session = this.#bots.sessionOrNull(id);
    const run = session !== null ? null : await this.#store.getRun(id);
    const stored = (run?.config as { cash?: unknown } | undefined)?.cash;
    const startingCash = session !== null ? session.settings.cash : typeof stored === 'number' ? stored : null;
    let equity: number | null;
    let cash: number | null;
    let buyingPower: number | null = null;
    let gross = 0;
    let net = 0;
    let positions: PositionView[];
    let openOrders: number;
    let halted: boolean;
    let nowMs: number;
    if (session !== null) {
      const k = session.node.kernel;
      const p = k.portfolio;
      equity = p.equity();
      cash = p.cash;
      buyingPower = p.buyingPower();
      positions = session.control.positions();
      openOrders = session.control.working().length;
      halted = k.halted;
      nowMs = k.nowMs();
    } else {
      const last = run === null ? null : await this.#store.latestEquity(id);
      equity = last?.equity ?? null;
      cash = last?.cash ?? null;
      positions = await this.positions(id);
      openOrders = run === null ? 0 : (await this.#store.loadOpenOrders(id)).length;
      halted = (await this.#store.getSetting(`halted:${id}`)) === true;
      nowMs = last?.tsMs ?? Date.now();
    }
    for (const pos of positions) {
      const value = pos.qty * (pos.lastPrice ?? pos.avgPrice);
      gross += Math.abs(value);
      net += value;
    }
    const today = (session === null && run === null) || !Number.isFinite(nowMs) ? null : await this.#dayOpen(id, startOfUtcDay(nowMs));
    return {
      botId: id, equity: fin(equity), cash: fin(cash), buyingPower: fin(buyingPower), grossExposure: gross, netExposure: net,
      pnlToday: equity !== null && today !== null ? equity - today.equity : null, pnlTotal: equity !== null && startingCash !== null ? equity - startingCash : null,
      startingCash, openPositions: positions.length, openOrders, halted, source: session === null ? 'store' : 'node',
    };
  }

  /** The first equity point of a UTC day (kept once found: it does not change). */
  async #dayOpen(id: string, dayMs: number): Promise<{ equity: number } | null> {
    const hit = this.#dayOpens.get(id);
    if (hit !== undefined && hit.dayMs === dayMs) return hit;
    const first = await this.#store.firstEquitySince(id, dayMs);
    if (first === null) return null;
    const found = { dayMs, equity: first.equity };
    this.#dayOpens.set(id, found);
    return found;
  }

  async positions(id: string): Promise<PositionView[]> {
    this.#bots.get(id);
    const session = this.#bots.sessionOrNull(id);
    if (session !== null) return session.control.positions();
    const rows = await this.#store.loadPositions(id);
    return rows.filter((r) => r.qty !== 0).map((r) => ({ strategyId: r.strategyId, symbol: r.symbol, qty: r.qty, avgPrice: r.avgPrice, lastPrice: null, unrealizedPnl: null }));
  }

  /** Working orders (`open`), or every order of the run (`all`, from the store), newest first. */
  async orders(id: string, status: 'open' | 'all', p: Page): Promise<OrderView[]> {
    this.#bots.get(id);
    const session = this.#bots.sessionOrNull(id);
    if (status === 'open' && session !== null) return page([...session.control.orders()].reverse(), p);
    if ((await this.#store.getRun(id)) === null) return [];
    if (session !== null) await this.#store.flush();
    const rows = status === 'open' ? [...(await this.#store.loadOpenOrders(id))].reverse().slice(p.offset, p.offset + p.limit) : await this.#store.listOrders(id, p);
    return rows.map((o) => ({
      clientOrderId: o.clientOrderId, strategyId: o.strategyId, symbol: o.symbol, side: o.side, type: o.type, qty: o.qty, limitPrice: o.limitPrice, stopPrice: o.stopPrice,
      tag: o.tag, reduceOnly: o.reduceOnly, status: o.status, filledQty: o.filledQty, avgFillPrice: o.avgFillPrice, reason: o.reason,
    }));
  }

  /** The run's fills, newest first. */
  async fills(id: string, p: Page): Promise<z.infer<typeof BotFillSchema>[]> {
    const rows = await this.#fillRows(id);
    return page(rows.map((f) => ({ fillId: f.fillId, orderId: f.orderId, strategyId: f.strategyId, time: toIso(f.tsMs), symbol: f.symbol, side: f.side, price: f.price, qty: f.qty, commission: f.commission })).reverse(), p);
  }

  /** Closed round trips of the run (all strategies), from its fills, newest first. */
  async trades(id: string, p: Page): Promise<z.infer<typeof TradeSchema>[]> {
    const rows = await this.#fillRows(id);
    const byStrategy = new Map<string, TradeTracker>();
    for (const f of rows) {
      let t = byStrategy.get(f.strategyId);
      if (t === undefined) byStrategy.set(f.strategyId, (t = new TradeTracker()));
      t.onFill(f.symbol, f.side === 'buy' ? f.qty : -f.qty, f.price, f.commission, f.tsMs, 0);
    }
    const closed = [...byStrategy.values()].flatMap((t) => t.closed).sort((a, b) => a.exitTimeMs - b.exitTimeMs);
    return page(closed.map(tradeDtoOf).reverse(), p);
  }

  /** Equity points, oldest first: the last `limit` (after skipping `offset` from the end). */
  async equity(id: string, p: Page): Promise<z.infer<typeof EquityRowSchema>[]> {
    this.#bots.get(id);
    if (this.#bots.sessionOrNull(id) !== null) await this.#store.flush();
    const rows = await this.#store.loadEquity(id);
    const end = rows.length - p.offset;
    return rows.slice(Math.max(0, end - p.limit), Math.max(0, end)).map((r) => ({ time: toIso(r.tsMs), equity: r.equity, cash: r.cash }));
  }

  strategies(id: string): z.infer<typeof BotStrategySchema>[] {
    const view = this.#bots.get(id);
    return view.config.strategies.map((s) => {
      // A bot runs built-in strategies only (its definition is checked against the registry).
      const info = strategyInfo(s.name)!;
      const known = new Set(info.params.map((p) => p.name));
      return {
        name: s.name, allocation: s.allocation ?? null, description: info.description, schema: info.schema,
        params: Object.fromEntries(Object.entries(view.config.params).filter(([k]) => known.has(k))),
      };
    });
  }

  async risk(id: string): Promise<z.infer<typeof RiskStateSchema>> {
    const view = this.#bots.get(id);
    const session = this.#bots.sessionOrNull(id);
    const state = session?.node.kernel.breakerSet?.state();
    const events = (await this.#store.getRun(id)) === null ? [] : await this.#store.loadRiskEvents(id);
    return {
      halted: session?.node.kernel.halted ?? (await this.#store.getSetting(`halted:${id}`)) === true,
      config: (view.config.risk as Record<string, unknown> | undefined) ?? null,
      breakers: session?.node.kernel.breakerSet?.breakers.map((b) => b.name) ?? [],
      tripped: (state?.tripped ?? []).map((t) => ({ breaker: t.breaker, action: t.action, reason: t.reason, trippedTime: toIso(t.trippedAtMs), resetsTime: t.resetsAtMs === null ? null : toIso(t.resetsAtMs) })),
      events: events.slice(-200).map((e) => ({ time: toIso(e.tsMs), kind: e.kind, reason: e.reason })),
    };
  }

  /** VaR, stress and limit usage of the bot's book now (bot-risk-report.ts). */
  riskReport(id: string, q: z.infer<typeof BotRiskQuerySchema>): Promise<BotRiskReport> {
    return botRiskReport(this.#store, this.#bots, id, q);
  }

  /** Resets a tripped circuit breaker of a running bot (a manual reset, as a risk event of the run). */
  resetBreaker(id: string, name: string): { reset: boolean } {
    const session = this.#bots.session(id);
    const set = session.node.kernel.breakerSet;
    if (set === null || !set.breakers.some((b) => b.name === name)) throw new NotFoundError(`bot "${id}" has no circuit breaker "${name}"`, { field: 'name' });
    return { reset: set.reset(name, session.node.kernel.nowMs(), 'manual reset (operator)') };
  }

  /** The bot's log: strategy errors, risk events and operator commands with their answers, oldest first. */
  async logs(id: string, limit: number): Promise<z.infer<typeof LogEntrySchema>[]> {
    const view = this.#bots.get(id);
    if ((await this.#store.getRun(id)) === null) return [];
    const [risk, commands] = await Promise.all([this.#store.loadRiskEvents(id), this.#store.listCommands(id)]);
    const entries: { tsMs: number; level: 'info' | 'warn' | 'error'; source: string; message: string }[] = [
      ...risk.map((r) => ({ tsMs: r.tsMs, level: r.kind === 'feed' || r.kind.includes('trip') ? ('warn' as const) : ('info' as const), source: `risk:${r.kind}`, message: r.reason })),
      ...commands.map((c) => ({ tsMs: c.requestedMs, level: c.status === 'failed' ? ('error' as const) : ('info' as const), source: `command:${c.kind}`, message: `${c.requester}: ${c.status}${typeof (c.result as { message?: unknown } | null)?.message === 'string' ? ` — ${(c.result as { message: string }).message}` : ''}` })),
      ...(view.status?.strategyErrors ?? []).map((e) => ({ tsMs: e.tsMs, level: 'error' as const, source: `strategy:${e.strategyId}`, message: e.message })),
    ];
    if (view.error !== null) entries.push({ tsMs: view.updatedMs, level: 'error', source: 'bot', message: view.error });
    entries.sort((a, b) => a.tsMs - b.tsMs);
    return entries.slice(-limit).map((e) => ({ time: toIso(e.tsMs), level: e.level, source: e.source, message: e.message }));
  }

  /** A manual order through the bot's risk checks (a denial is an answer, not an error). */
  submitOrder(id: string, input: unknown): z.infer<typeof ManualOrderResultSchema> {
    const o = parseAt(ManualOrderSchema, input, 'body');
    const session = this.#bots.session(id);
    // The node's strategy ids: the name, or `name-<n>` when the bot runs the same strategy twice.
    const strategies = this.#bots.get(id).config.strategies.map((s, i, all) => (all.filter((x) => x.name === s.name).length > 1 ? `${s.name}-${i + 1}` : s.name));
    const strategyId = o.strategyId ?? strategies[0]!;
    if (!strategies.includes(strategyId)) throw new NotFoundError(`bot "${id}" has no strategy "${strategyId}" (it has ${strategies.join(', ')})`, { field: 'body.strategyId' });
    const k = session.node.kernel;
    if (!k.symbols().includes(o.symbol)) throw new NotFoundError(`bot "${id}" does not trade "${o.symbol}" (it trades ${k.symbols().join(', ')})`, { field: 'body.symbol' });
    if (k.warmingUp) throw new ConflictError(`bot "${id}" is warming up; orders are sent once it trades`, { field: 'id' });
    const order = k.submit(strategyId, { symbol: o.symbol, side: o.side, type: o.type, qty: o.qty, limitPrice: o.limitPrice, stopPrice: o.stopPrice, tif: o.tif, reduceOnly: o.reduceOnly, tag: 'manual' });
    if (order === null) return { order: null, outcome: 'zero', reason: `${o.qty} rounds to nothing at ${o.symbol}'s lot size` };
    const denied = order.status === 'denied';
    return { order: orderView(order), outcome: denied ? 'denied' : 'submitted', reason: denied ? order.reason : null };
  }

  /** Cancels one working order of a running bot. */
  cancelOrder(id: string, orderId: string): { orderId: string; status: string } {
    const session = this.#bots.session(id);
    const k = session.node.kernel;
    const order = k.orders.find((o) => o.id === orderId);
    if (order === undefined) throw new NotFoundError(`bot "${id}" has no order "${orderId}"`, { field: 'orderId' });
    if (!session.control.orders().some((o) => o.clientOrderId === orderId)) throw new ConflictError(`order "${orderId}" is ${order.status}, not working`, { field: 'orderId' });
    k.cancel(orderId);
    return { orderId, status: order.status };
  }

  async #fillRows(id: string): ReturnType<Store['loadFills']> {
    this.#bots.get(id);
    if ((await this.#store.getRun(id)) === null) return [];
    if (this.#bots.sessionOrNull(id) !== null) await this.#store.flush();
    return this.#store.loadFills(id);
  }
}

function fin(v: number | null): number | null {
  return v !== null && Number.isFinite(v) ? v : null;
}

