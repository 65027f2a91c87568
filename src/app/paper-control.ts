// What a paper node does for each operator command, and what it reports back: the orders it canceled and the
// positions it flattened (with their closing orders' fills). Only LiveNode's public controls are used (kill,
// resume, stop, status, the kernel's cancel/submit/books and the venue's working orders).
import { hostname } from 'node:os';
import type { LiveNode } from '../engine/live-node.ts';
import { isTerminal } from '../model/order-status.ts';
import type { Order } from '../model/order.ts';
import type { CommandKind, Store } from '../store/store.ts';
import type { CommandArgs, CommandOutcome, Flattened, NodeStatus, OrderView, PositionView } from './node-handle.ts';
import { FeedHealth, nodeHealth } from './node-health.ts';

const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);

export function orderView(o: Order): OrderView {
  return {
    clientOrderId: o.id, strategyId: o.strategyId, symbol: o.symbol, side: o.side, type: o.type, qty: o.qty, limitPrice: o.limitPrice ?? null,
    stopPrice: o.stopPrice ?? null, tag: o.request.tag ?? null, reduceOnly: o.request.reduceOnly === true, status: o.status, filledQty: o.filledQty,
    avgFillPrice: o.avgFillPrice, reason: o.reason,
  };
}

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;
const qtyText = (q: number): string => String(Number(q.toPrecision(12)));

function flattenedText(f: Flattened): string {
  const pos = `${f.symbol} ${qtyText(f.qty)}`;
  if (f.status === 'filled') return `${pos} @ ${f.avgFillPrice}`;
  if (f.filledQty > 0) return `${pos} (${qtyText(f.filledQty)} filled @ ${f.avgFillPrice}, order ${f.orderId} ${f.status})`;
  return f.orderId === null ? `${pos} (no closing order: ${f.status})` : `${pos} (order ${f.orderId} ${f.status}: not filled yet)`;
}

/** One line for the operator: "halted; 3 orders canceled; 2 positions flattened: AAPL -100 @ 101.5, ...". */
export function describeOutcome(parts: { head: string; canceled?: readonly OrderView[]; flattened?: readonly Flattened[] }): string {
  const out = [parts.head];
  if (parts.canceled !== undefined) out.push(`${plural(parts.canceled.length, 'order')} canceled`);
  if (parts.flattened !== undefined) {
    const f = parts.flattened;
    out.push(f.length === 0 ? 'no position to flatten' : `${plural(f.length, 'position')} flattened: ${f.map(flattenedText).join(', ')}`);
  }
  return out.join('; ');
}

export interface PaperControlOptions {
  /** How long a flatten waits for its closing orders to fill before it answers (default 3000 ms). */
  readonly fillWaitMs?: number;
  /** The venue feed's status events, for the status's health (none: the node trades no venue's data). */
  readonly feedHealth?: FeedHealth;
}

/** The paper node's side of every command (see CommandProcessor), and its status, positions and orders. */
export class PaperNodeControl {
  readonly #node: LiveNode;
  readonly #store: Store;
  readonly #runId: string;
  readonly #strategyIds: readonly string[];
  readonly #fillWaitMs: number;
  readonly #feedHealth: FeedHealth;
  #applied: (() => void)[] = [];
  readonly nodeId = { pid: process.pid, host: hostname() };

  constructor(node: LiveNode, store: Store, runId: string, strategyIds: readonly string[], opts: PaperControlOptions = {}) {
    this.#node = node;
    this.#store = store;
    this.#runId = runId;
    this.#strategyIds = strategyIds;
    this.#fillWaitMs = opts.fillWaitMs ?? 3000;
    this.#feedHealth = opts.feedHealth ?? new FeedHealth();
  }

  status(): NodeStatus {
    const s = this.#node.status();
    return {
      runId: s.runId, node: this.nodeId, source: 'node', nowMs: finite(s.nowMs), equity: finite(s.equity), cash: finite(s.cash), halted: s.halted,
      orders: s.orders, fills: s.fills, openOrders: s.openOrders, barsSeen: s.barsSeen, positions: this.positions(),
      strategyErrors: s.strategyErrors.map((e) => ({ ...e })), abortReason: s.abortReason, health: nodeHealth(this.#node.node.feeds, s, this.#feedHealth),
    };
  }

  positions(): PositionView[] {
    const k = this.#node.kernel;
    return this.#strategyIds.flatMap((id) =>
      k.book(id).openPositions().map((p) => ({
        strategyId: id, symbol: p.symbol, qty: p.qty, avgPrice: p.avgPrice, lastPrice: finite(p.lastPrice), unrealizedPnl: finite(p.unrealizedPnl()),
      })),
    );
  }

  orders(): OrderView[] {
    return this.working().map(orderView);
  }

  /**
   * The strategies' working orders from the order cache: the venue's book holds what the OrderEmulator released
   * (under derived ids), not the bracket children and exits it holds. An order whose own state is already
   * finished is not listed even if its cache entry has not caught up (seen once under load on Postgres: a
   * filled flatten order still in the working list).
   */
  working(): Order[] {
    return this.#node.kernel.orderCache.working().filter((o) => o.isOpen);
  }

  /**
   * Resolves once the next command has taken effect: the halt stored, cancels and closing orders sent (a flatten's
   * fills come later, from the market). A node restarted for a command runs it to that point before it trades.
   */
  nextApplied(): Promise<void> {
    return new Promise((resolve) => this.#applied.push(resolve));
  }

  #markApplied(): void {
    const waiting = this.#applied;
    this.#applied = [];
    for (const w of waiting) w();
  }

  async execute(kind: CommandKind, args: CommandArgs): Promise<CommandOutcome> {
    try {
      return await this.#execute(kind, args);
    } finally {
      this.#markApplied();
    }
  }

  async #execute(kind: CommandKind, args: CommandArgs): Promise<CommandOutcome> {
    const node = this.#node;
    const k = node.kernel;
    switch (kind) {
      case 'halt': {
        const was = k.halted;
        k.halted = true;
        await this.#store.putSetting(`halted:${this.#runId}`, true);
        // On the node's clock (a replay's time), like every other event of the run.
        if (!was) node.recordRiskEvent('kill-switch', 'operator halt (working orders kept)', node.kernel.nowMs());
        await this.#store.flush();
        return this.#outcome(was ? 'already halted: new orders are denied' : 'halted: new orders are denied; working orders kept');
      }
      case 'resume': {
        const was = k.halted;
        await node.resume();
        return this.#outcome(was ? 'resumed: trading again' : 'not halted: trading already');
      }
      case 'cancel-all': {
        const working = this.working();
        for (const o of working) k.cancel(o.id);
        this.#markApplied();
        await node.settled();
        await this.#cancelsSettled(working);
        return this.#canceled('canceled working orders', working, undefined);
      }
      case 'flatten': {
        const from = k.orders.length;
        const before = this.positions();
        for (const p of before) k.submit(p.strategyId, { symbol: p.symbol, side: p.qty > 0 ? 'sell' : 'buy', type: 'market', qty: Math.abs(p.qty), reduceOnly: true, tag: 'flatten' });
        this.#markApplied();
        const flattened = await this.#flattened(before, from);
        return { message: describeOutcome({ head: k.halted ? 'flattened (halted)' : 'flattened (not halted: strategies may trade again)', flattened }), halted: k.halted, ordersCanceled: [], positionsFlattened: flattened };
      }
      case 'kill': {
        const flatten = args.flatten === true;
        const working = this.working();
        const before = flatten ? this.positions() : [];
        const from = k.orders.length;
        await node.kill({ flatten });
        this.#markApplied();
        await this.#cancelsSettled(working);
        const flattened = flatten ? await this.#flattened(before, from) : undefined;
        return this.#canceled('halted', working, flattened);
      }
      case 'stop': {
        await node.stop();
        return this.#outcome(`stopped: run "${this.#runId}" stopped (working orders stay stored and are re-sent on the next start)`);
      }
    }
  }

  #outcome(message: string): CommandOutcome {
    return { message, halted: this.#node.kernel.halted, ordersCanceled: [], positionsFlattened: [] };
  }

  /** The orders of `working` that ended canceled. */
  #canceled(head: string, working: readonly Order[], flattened: Flattened[] | undefined): CommandOutcome {
    const canceled = working.filter((o) => o.status === 'canceled').map(orderView);
    return { message: describeOutcome({ head, canceled, flattened }), halted: this.#node.kernel.halted, ordersCanceled: canceled, positionsFlattened: flattened ?? [] };
  }

  /** Waits (up to a second) for cancel requests still on their way to the venue to be answered. */
  async #cancelsSettled(working: readonly Order[]): Promise<void> {
    const until = Date.now() + 1000;
    while (Date.now() < until && working.some((o) => o.status === 'pending-cancel')) await new Promise((r) => setTimeout(r, 10));
  }

  /** Waits (up to fillWaitMs) for the flatten orders submitted since `from`, then reports each position. */
  async #flattened(before: readonly PositionView[], from: number): Promise<Flattened[]> {
    const k = this.#node.kernel;
    const closing = (): Order[] => k.orders.slice(from).filter((o) => o.request.tag === 'flatten');
    const until = Date.now() + this.#fillWaitMs;
    while (Date.now() < until && closing().some((o) => !isTerminal(o.status))) await new Promise((r) => setTimeout(r, 25));
    const orders = closing();
    return before.map((p) => {
      const o = orders.find((x) => x.strategyId === p.strategyId && x.symbol === p.symbol);
      return {
        strategyId: p.strategyId, symbol: p.symbol, qty: p.qty, orderId: o?.id ?? null, status: o?.status ?? 'not sent',
        filledQty: o?.filledQty ?? 0, avgFillPrice: o !== undefined && o.filledQty > 0 ? o.avgFillPrice : null,
      };
    });
  }
}
