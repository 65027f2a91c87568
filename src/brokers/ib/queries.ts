// The port's queries answered from TWS: one order by orderRef (open, else completed), the open orders,
// executions since a time (which also feed the live booking path, so a query doubles as a gap fill),
// positions and balances. Each is a request/answer exchange through the session; nothing here changes
// an order (that is the client's tracker's business).
import type { BalanceReport, FillReport, OrderStatusReport, PositionReport } from '../../execution/reports.ts';
import type { Order } from '../../model/order.ts';
import { sleep } from '../shared/retry.ts';
import type { ExecutionBook } from './executions.ts';
import { reportOf } from './orders.ts';
import { baseExecId, formatIbUtc, parseIbTime, summaryNumber, type IbExecution, type IbOpenOrder, type IbOrderStatus } from './parse.ts';
import type { IbSession } from './stream.ts';
import type { IbSymbols } from './symbols.ts';

/** Account summary tags read for balances. */
const SUMMARY_TAGS = ['TotalCashValue', 'AvailableFunds'] as const;

export interface IbQueryDeps {
  readonly account: string;
  readonly clientId: number;
  readonly commissionWaitMs: number;
  readonly timeZone?: string;
  readonly session: () => IbSession;
  readonly symbols: IbSymbols;
  readonly execs: ExecutionBook;
  /** The order this process placed under a client order id, if any (for fields TWS does not keep). */
  readonly known: (clientOrderId: string) => Order | undefined;
  readonly now: () => number;
  readonly log: (line: string) => void;
}

export class IbQueries {
  constructor(private readonly o: IbQueryDeps) {}

  /** TWS's view of one order by orderRef: among the open orders, else the completed ones; null if neither has it. */
  async order(clientOrderId: string): Promise<OrderStatusReport | null> {
    const { orders, statuses } = await this.o.session().openOrders();
    const open = orders.find((o) => o.order.orderRef === clientOrderId && this.#mine(o));
    if (open !== undefined) return this.#report(open, open.order.clientId === this.o.clientId ? statuses.get(open.orderId) : undefined);
    const completed = (await this.o.session().completedOrders()).filter((o) => o.order.orderRef === clientOrderId && this.#mine(o));
    const last = completed.at(-1);
    return last === undefined ? null : this.#report(last, undefined);
  }

  #mine(o: IbOpenOrder): boolean {
    return o.order.account === undefined || o.order.account === '' || o.order.account === this.o.account;
  }

  async #report(o: IbOpenOrder, st: IbOrderStatus | undefined): Promise<OrderStatusReport> {
    const ref = o.order.orderRef ?? '';
    const known = this.o.known(ref);
    let fills = { qty: 0, avgPrice: 0 };
    const saysFilled = Math.max(st?.filled ?? 0, o.order.filledQuantity ?? 0);
    if (saysFilled > 0 || o.orderState.status === 'Filled') {
      // Completed orders carry no average price: the executions give it (and the filled quantity).
      const mine = (await this.fills(0)).filter((f) => f.clientOrderId === ref);
      const qty = mine.reduce((a, f) => a + f.qty, 0);
      if (qty > 0) fills = { qty, avgPrice: mine.reduce((a, f) => a + f.qty * f.price, 0) / qty };
    }
    return reportOf(o, st, fills, this.o.symbols.symbolOf(o.contract), known, this.o.now());
  }

  /** Working orders of the account (of one symbol). */
  async openOrders(symbol?: string): Promise<OrderStatusReport[]> {
    const { orders, statuses } = await this.o.session().openOrders();
    const out: OrderStatusReport[] = [];
    for (const o of orders) {
      if (!this.#mine(o)) continue;
      const st = o.order.clientId === this.o.clientId ? statuses.get(o.orderId) : undefined;
      const status = st?.status ?? o.orderState.status;
      if (status === 'Cancelled' || status === 'ApiCancelled' || status === 'Filled' || status === 'Inactive') continue;
      if (symbol !== undefined && this.o.symbols.symbolOf(o.contract) !== symbol) continue;
      out.push(await this.#report(o, st));
    }
    return out;
  }

  /** Executions of the account at or after `sinceMs` (IB keeps the current day's), each once, with commissions. */
  async fills(sinceMs: number): Promise<FillReport[]> {
    const latest = await this.executions(sinceMs);
    const out: FillReport[] = [];
    for (const e of latest.values()) {
      const x = e.execution;
      let ts: number;
      try {
        ts = parseIbTime(x.time, this.o.timeZone);
      } catch (err) {
        this.o.log(`ib: execution ${x.execId} left out: ${err instanceof Error ? err.message : String(err)}`);
        continue;
      }
      if (ts < sinceMs) continue;
      out.push({
        tradeId: baseExecId(x.execId),
        clientOrderId: x.orderRef !== undefined && x.orderRef !== '' ? x.orderRef : `ib-perm-${x.permId ?? 0}`,
        venueOrderId: String(x.permId ?? x.orderId),
        symbol: this.o.symbols.symbolOf(e.contract),
        side: x.side === 'BOT' ? 'buy' : 'sell',
        qty: x.shares,
        price: x.price,
        commission: this.o.execs.commissionOf(x.execId) ?? 0,
        liquidity: x.lastLiquidity === 1 ? 'maker' : 'taker',
        tsEventMs: ts,
      });
    }
    return out.sort((a, b) => a.tsEventMs - b.tsEventMs);
  }

  /**
   * reqExecutions since a time: every execution also goes through the live path (booked once per base
   * execId), so this doubles as the gap fill. Returns the latest version of each execution, after
   * waiting (briefly) for the commission reports TWS sends after them.
   */
  async executions(sinceMs: number): Promise<Map<string, IbExecution>> {
    const rows = await this.o.session().executions(formatIbUtc(Math.max(0, Math.floor(sinceMs / 1000) * 1000)), this.o.account);
    const latest = new Map<string, IbExecution>();
    for (const e of rows) latest.set(baseExecId(e.execution.execId), e);
    const end = Date.now() + (this.o.commissionWaitMs);
    while ([...latest.values()].some((e) => this.o.execs.commissionOf(e.execution.execId) === undefined) && Date.now() < end) await sleep(10);
    return latest;
  }

  async positions(): Promise<PositionReport[]> {
    const rows = await this.o.session().positions();
    const now = this.o.now();
    const out: PositionReport[] = [];
    for (const p of rows) {
      // TWS also lists positions closed during the day, at 0.
      if (p.account !== this.o.account || p.pos === 0) continue;
      const mult = p.contract.multiplier !== undefined && Number.isFinite(p.contract.multiplier) && p.contract.multiplier > 0 ? p.contract.multiplier : 1;
      out.push({ symbol: this.o.symbols.symbolOf(p.contract), qty: p.pos, avgPrice: p.avgCost / mult, tsMs: now });
    }
    return out;
  }

  async balances(): Promise<BalanceReport[]> {
    const rows = (await this.o.session().accountSummary(SUMMARY_TAGS)).filter((r) => r.account === this.o.account);
    const now = this.o.now();
    const byCcy = new Map<string, { total?: number; available?: number }>();
    for (const r of rows) {
      const entry = byCcy.get(r.currency) ?? {};
      if (r.tag === 'TotalCashValue') entry.total = summaryNumber(r);
      if (r.tag === 'AvailableFunds') entry.available = summaryNumber(r);
      byCcy.set(r.currency, entry);
    }
    const out: BalanceReport[] = [];
    for (const [currency, v] of byCcy) {
      if (v.total === undefined) continue;
      // Cash not available for new orders counts as locked; margin beyond the cash is not cash.
      const locked = v.available === undefined ? 0 : Math.max(0, v.total - v.available);
      out.push({ currency, total: v.total, free: v.total - locked, locked, tsMs: now });
    }
    return out;
  }
}
