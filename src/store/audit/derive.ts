// The audit entries of a trading batch: every order intent, order event (venue reports, risk denials),
// fill and risk event the store newly wrote (rows a replay writes again were audited the first time).
// They are appended in the same transaction as the rows, so the trail never lacks a stored row.
import type { JsonValue } from '../access-store.ts';
import type { CommandRecord, FillInput, OrderEventInput, OrderInput, RiskEventInput } from '../store.ts';
import type { AuditActorKind } from './entry.ts';
import type { SqlConn } from '../sql.ts';
import type { AuditInput } from './entry.ts';

export interface FreshRows {
  readonly orders: readonly OrderInput[];
  readonly orderEvents: readonly OrderEventInput[];
  readonly fills: readonly FillInput[];
  readonly riskEvents: readonly RiskEventInput[];
}

interface OrderKey {
  readonly runId: string;
  readonly strategyId: string;
  readonly symbol: string;
}

/** `order.denied` reasons are `<check>: <text>`; the check's name is the denial's code. */
export function denialCode(reason: string): string {
  const i = reason.indexOf(':');
  return i > 0 && /^[a-z][a-z0-9-]*$/.test(reason.slice(0, i)) ? reason.slice(0, i) : 'denied';
}

/** Who acts in an order event: the risk engine denies, the engine sends, the venue answers. */
function eventActor(type: string): string {
  return type === 'OrderDenied' ? 'risk' : type === 'OrderSubmitted' ? 'engine' : 'venue';
}

/** `OrderFilled` -> `order.filled`. */
function eventKind(type: string): string {
  return `order.${type.replace(/^Order/, '').replace(/[A-Z]/g, (c, i: number) => (i === 0 ? c.toLowerCase() : `-${c.toLowerCase()}`))}`;
}

const omitNull = (o: Record<string, unknown>): Record<string, string | number | boolean> =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined)) as Record<string, string | number | boolean>;

/** The entries, in time order (stable: an intent before its events, an event before the fill it reports). */
export async function auditEntriesOf(tx: SqlConn, b: FreshRows): Promise<AuditInput[]> {
  const out: { e: AuditInput; rank: number }[] = [];
  const push = (e: AuditInput, rank: number): void => void out.push({ e, rank });
  const orders = new Map<string, OrderKey>();
  for (const o of b.orders) {
    orders.set(o.clientOrderId, o);
    push({
      tsMs: o.createdMs, actorKind: 'strategy', actor: o.strategyId, source: `run:${o.runId}`, kind: 'order.intent', runId: o.runId, symbol: o.symbol,
      payload: omitNull({
        clientOrderId: o.clientOrderId, side: o.side, type: o.type, qty: o.qty, limitPrice: o.limitPrice, stopPrice: o.stopPrice, tif: o.tif ?? 'GTC',
        expireTimeMs: o.expireTimeMs, parentId: o.parentId, ocoGroup: o.ocoGroup, tag: o.tag, reduceOnly: o.reduceOnly === true ? true : null,
      }),
    }, 0);
  }
  const unknown = [...new Set(b.orderEvents.map((e) => e.orderId).filter((id) => !orders.has(id)))];
  if (unknown.length > 0) {
    const r = await tx.query('SELECT client_order_id, run_id, strategy_id, symbol FROM orders WHERE client_order_id = ANY($1::text[])', [unknown]);
    for (const x of r.rows) orders.set(String(x.client_order_id), { runId: String(x.run_id), strategyId: String(x.strategy_id), symbol: String(x.symbol) });
  }
  for (const ev of b.orderEvents) {
    const o = orders.get(ev.orderId);
    const reason = ev.reason ?? '';
    push({
      tsMs: ev.tsMs, actorKind: 'system', actor: eventActor(ev.type), source: o === undefined ? 'store' : `run:${o.runId}`, kind: eventKind(ev.type),
      runId: o?.runId ?? null, symbol: o?.symbol ?? null,
      payload: omitNull({
        clientOrderId: ev.orderId, seq: ev.seq, status: ev.status, reason: reason === '' ? null : reason, code: ev.type === 'OrderDenied' ? denialCode(reason) : null,
        filledQty: ev.filledQty, avgFillPrice: ev.avgFillPrice, venueOrderId: ev.venueOrderId, strategyId: o?.strategyId,
      }),
    }, 1);
  }
  for (const f of b.fills) {
    push({
      tsMs: f.tsMs, actorKind: 'system', actor: 'venue', source: `run:${f.runId}`, kind: 'fill', runId: f.runId, symbol: f.symbol,
      payload: { fillId: f.fillId, clientOrderId: f.orderId, seq: f.seq, strategyId: f.strategyId, side: f.side, qty: f.qty, price: f.price, commission: f.commission, liquidity: f.liquidity },
    }, 2);
  }
  for (const k of b.riskEvents) {
    push({ tsMs: k.tsMs, actorKind: 'system', actor: 'risk', source: `run:${k.runId}`, kind: `risk.${k.kind}`, runId: k.runId, payload: { reason: k.reason } }, 3);
  }
  out.sort((a, b2) => a.e.tsMs - b2.e.tsMs || a.rank - b2.rank);
  return out.map((x) => x.e);
}

/** A run started, ended or resumed (the node's own doing). */
export function runEntry(runId: string, kind: 'run.start' | 'run.end' | 'run.resume', tsMs: number, payload: JsonValue): AuditInput {
  return { tsMs, actorKind: 'system', actor: 'node', source: `run:${runId}`, kind, runId, payload };
}

/** Who asked for a command: `token:<id>`, a node or the system, else a user (`cli:alice`, `alice`). */
function requesterActor(requester: string): { actorKind: AuditActorKind; actor: string } {
  const token = /^token:(\S+)/.exec(requester);
  if (token !== null) return { actorKind: 'token', actor: token[1]!.slice(0, 200) };
  if (/^(system|node|server)\b/.test(requester)) return { actorKind: 'system', actor: requester.slice(0, 200) };
  return { actorKind: 'user', actor: requester.slice(0, 200) };
}

/** An operator command (kill switch, pause, flatten, cancel, ...): requested by someone, then finished or expired by the node. */
export function commandEntry(c: CommandRecord, kind: string, tsMs: number): AuditInput {
  const who = kind === 'command.requested' ? requesterActor(c.requester) : { actorKind: 'system' as const, actor: 'node' };
  return {
    tsMs, ...who, source: kind === 'command.requested' ? 'command' : `run:${c.runId}`, kind, runId: c.runId,
    payload: { commandId: c.id, command: c.kind, args: c.args, requester: c.requester, status: c.status, ...(c.result === null ? {} : { result: c.result }), ...(c.node === null ? {} : { node: { pid: c.node.pid, host: c.node.host } }) },
  };
}
