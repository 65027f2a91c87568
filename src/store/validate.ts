// Boundary checks for rows on their way into the store: a bad row is an InputError naming the field
// (e.g. `fills[3].qty`), raised before anything of the call is buffered or written.
import { InputError } from '../core/errors.ts';
import type { OrderEventType } from '../model/events.ts';
import type { Instrument } from '../model/instrument.ts';
import { ORDER_STATUSES, type OrderStatus } from '../model/order-status.ts';
import type { OrderSide, OrderType, TimeInForce } from '../model/order.ts';
import {
  RUN_KINDS,
  type EquityInput,
  type FillInput,
  type OrderEventInput,
  type OrderInput,
  type PositionInput,
  type RiskEventInput,
  type WriteBatch,
} from './store.ts';

const SIDES: readonly OrderSide[] = ['buy', 'sell'];
const ORDER_TYPES: readonly OrderType[] = ['market', 'limit', 'stop', 'stop-limit', 'trailing-stop'];
const TIFS: readonly TimeInForce[] = ['DAY', 'GTC', 'IOC', 'FOK', 'GTD'];
const LIQUIDITY: readonly string[] = ['maker', 'taker'];
export const ORDER_EVENT_TYPES: readonly OrderEventType[] = [
  'OrderSubmitted', 'OrderDenied', 'OrderAccepted', 'OrderRejected', 'OrderTriggered',
  'OrderUpdated', 'OrderCanceled', 'OrderExpired', 'OrderFilled',
];
const MAX_TEXT = 1000;
const MAX_REASON = 10_000;

function fail(field: string, message: string): never {
  throw new InputError(message, { field });
}

function show(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (typeof v === 'number' || typeof v === 'boolean' || v === null || v === undefined) return String(v);
  return typeof v;
}

export function text(v: unknown, field: string, max = MAX_TEXT): string {
  if (typeof v !== 'string' || v.length === 0) fail(field, `must be a non-empty string, got ${show(v)}`);
  if (v.length > max) fail(field, `must be at most ${max} characters, got ${v.length}`);
  if (v.includes('\0')) fail(field, 'must not contain a NUL character');
  return v;
}

function optText(v: unknown, field: string, max = MAX_TEXT): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string') fail(field, `must be a string, got ${show(v)}`);
  if (v.length > max) fail(field, `must be at most ${max} characters, got ${v.length}`);
  if (v.includes('\0')) fail(field, 'must not contain a NUL character');
  return v;
}

export function finite(v: unknown, field: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(field, `must be a finite number, got ${show(v)}`);
  return v;
}

export function positive(v: unknown, field: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) fail(field, `must be a positive finite number, got ${show(v)}`);
  return v;
}

function nonNegative(v: unknown, field: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) fail(field, `must be a finite number >= 0, got ${show(v)}`);
  return v;
}

/** Epoch milliseconds: a safe integer. */
export function epochMs(v: unknown, field: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) fail(field, `must be epoch milliseconds (an integer), got ${show(v)}`);
  return v;
}

function optEpochMs(v: unknown, field: string): number | null {
  return v === undefined || v === null ? null : epochMs(v, field);
}

function optPrice(v: unknown, field: string): number | null {
  return v === undefined || v === null ? null : finite(v, field);
}

function seq(v: unknown, field: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 2_147_483_647) fail(field, `must be an integer >= 1, got ${show(v)}`);
  return v;
}

export function oneOf<T extends string>(v: unknown, allowed: readonly T[], field: string): T {
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) fail(field, `must be one of ${allowed.join(', ')}; got ${show(v)}`);
  return v as T;
}

function row(v: unknown, field: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(field, `must be an object, got ${show(v)}`);
  return v as Record<string, unknown>;
}

function list(v: unknown, field: string): readonly unknown[] {
  if (!Array.isArray(v)) fail(field, `must be an array, got ${show(v)}`);
  return v;
}

/** JSON text of a value, rejecting what JSON would silently change (NaN, undefined, functions, cycles). */
export function jsonText(v: unknown, field: string): string {
  checkJson(v, field, 0);
  return JSON.stringify(v);
}

function checkJson(v: unknown, field: string, depth: number): void {
  if (depth > 64) fail(field, 'is nested too deeply');
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) fail(field, `must be JSON; ${v} has no JSON form`);
    return;
  }
  if (Array.isArray(v)) {
    v.forEach((x, i) => checkJson(x, `${field}[${i}]`, depth + 1));
    return;
  }
  if (typeof v === 'object' && (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null)) {
    for (const [k, x] of Object.entries(v)) checkJson(x, `${field}.${k}`, depth + 1);
    return;
  }
  fail(field, `must be JSON (null, boolean, number, string, array or plain object), got ${show(v)}`);
}

// ---- rows ----

export function checkOrder(v: unknown, f: string): OrderInput {
  const r = row(v, f);
  return {
    clientOrderId: text(r.clientOrderId, `${f}.clientOrderId`),
    runId: text(r.runId, `${f}.runId`),
    strategyId: text(r.strategyId, `${f}.strategyId`),
    symbol: text(r.symbol, `${f}.symbol`),
    side: oneOf(r.side, SIDES, `${f}.side`),
    type: oneOf(r.type, ORDER_TYPES, `${f}.type`),
    qty: positive(r.qty, `${f}.qty`),
    limitPrice: optPrice(r.limitPrice, `${f}.limitPrice`),
    stopPrice: optPrice(r.stopPrice, `${f}.stopPrice`),
    tif: r.tif === undefined ? 'GTC' : oneOf(r.tif, TIFS, `${f}.tif`),
    expireTimeMs: optEpochMs(r.expireTimeMs, `${f}.expireTimeMs`),
    parentId: optText(r.parentId, `${f}.parentId`),
    ocoGroup: optText(r.ocoGroup, `${f}.ocoGroup`),
    tag: optText(r.tag, `${f}.tag`),
    reduceOnly: r.reduceOnly === undefined ? false : bool(r.reduceOnly, `${f}.reduceOnly`),
    status: r.status === undefined ? 'initialized' : oneOf<OrderStatus>(r.status, ORDER_STATUSES, `${f}.status`),
    createdMs: epochMs(r.createdMs, `${f}.createdMs`),
    ...checkTrailing(r, f),
  };
}

/** A trailing stop's offset (kind and value together, or neither) and trigger level. */
function checkTrailing(r: Record<string, unknown>, f: string): Pick<OrderInput, 'trailKind' | 'trailValue' | 'trailStop'> {
  const kind = r.trailKind === undefined || r.trailKind === null ? null : oneOf(r.trailKind, ['amount', 'percent'] as const, `${f}.trailKind`);
  const value = r.trailValue === undefined || r.trailValue === null ? null : positive(r.trailValue, `${f}.trailValue`);
  if ((kind === null) !== (value === null)) fail(`${f}.trailValue`, 'a trailing offset needs both trailKind and trailValue');
  return { trailKind: kind, trailValue: value, trailStop: optPrice(r.trailStop, `${f}.trailStop`) };
}

function bool(v: unknown, field: string): boolean {
  if (typeof v !== 'boolean') fail(field, `must be true or false, got ${show(v)}`);
  return v;
}

export function checkOrderEvent(v: unknown, f: string): OrderEventInput {
  const r = row(v, f);
  const out: OrderEventInput = {
    orderId: text(r.orderId, `${f}.orderId`),
    seq: seq(r.seq, `${f}.seq`),
    type: oneOf(r.type, ORDER_EVENT_TYPES, `${f}.type`),
    status: oneOf<OrderStatus>(r.status, ORDER_STATUSES, `${f}.status`),
    reason: optText(r.reason, `${f}.reason`, MAX_REASON) ?? '',
    tsMs: epochMs(r.tsMs, `${f}.tsMs`),
  };
  const filledQty = r.filledQty === undefined ? undefined : nonNegative(r.filledQty, `${f}.filledQty`);
  const avgFillPrice = r.avgFillPrice === undefined ? undefined : finite(r.avgFillPrice, `${f}.avgFillPrice`);
  const venueOrderId = r.venueOrderId === undefined ? undefined : text(r.venueOrderId, `${f}.venueOrderId`, 200);
  const trailStop = r.trailStop === undefined ? undefined : finite(r.trailStop, `${f}.trailStop`);
  return {
    ...out, ...(filledQty === undefined ? {} : { filledQty }), ...(avgFillPrice === undefined ? {} : { avgFillPrice }), ...(venueOrderId === undefined ? {} : { venueOrderId }),
    ...(trailStop === undefined ? {} : { trailStop }),
  };
}

export function checkFill(v: unknown, f: string): FillInput {
  const r = row(v, f);
  return {
    fillId: text(r.fillId, `${f}.fillId`),
    orderId: text(r.orderId, `${f}.orderId`),
    seq: seq(r.seq, `${f}.seq`),
    runId: text(r.runId, `${f}.runId`),
    strategyId: text(r.strategyId, `${f}.strategyId`),
    symbol: text(r.symbol, `${f}.symbol`),
    side: oneOf(r.side, SIDES, `${f}.side`),
    qty: positive(r.qty, `${f}.qty`),
    // Any finite price: some contracts (spreads, oil futures in 2020) trade below zero.
    price: finite(r.price, `${f}.price`),
    // Negative commissions are maker rebates.
    commission: finite(r.commission, `${f}.commission`),
    ...checkFeeAsset(r, f),
    liquidity: oneOf(r.liquidity, LIQUIDITY, `${f}.liquidity`) as 'maker' | 'taker',
    tsMs: epochMs(r.tsMs, `${f}.tsMs`),
  };
}

/** A fee charged in another asset than the account's: its asset and quantity together, or neither. */
function checkFeeAsset(r: Record<string, unknown>, f: string): Pick<FillInput, 'commissionAsset' | 'commissionQty'> {
  const asset = r.commissionAsset === undefined || r.commissionAsset === null ? null : text(r.commissionAsset, `${f}.commissionAsset`, 40);
  const qty = r.commissionQty === undefined || r.commissionQty === null ? null : finite(r.commissionQty, `${f}.commissionQty`);
  if ((asset === null) !== (qty === null)) fail(`${f}.commissionQty`, 'a fee in another asset needs both commissionAsset and commissionQty');
  return asset === null ? {} : { commissionAsset: asset, commissionQty: qty };
}

export function checkPosition(v: unknown, f: string): PositionInput {
  const r = row(v, f);
  return {
    runId: text(r.runId, `${f}.runId`),
    strategyId: text(r.strategyId, `${f}.strategyId`),
    symbol: text(r.symbol, `${f}.symbol`),
    qty: finite(r.qty, `${f}.qty`),
    avgPrice: finite(r.avgPrice, `${f}.avgPrice`),
    realizedPnl: finite(r.realizedPnl, `${f}.realizedPnl`),
    commission: r.commission === undefined ? 0 : finite(r.commission, `${f}.commission`),
    updatedMs: epochMs(r.updatedMs, `${f}.updatedMs`),
  };
}

export function checkEquity(v: unknown, f: string): EquityInput {
  const r = row(v, f);
  return {
    runId: text(r.runId, `${f}.runId`),
    tsMs: epochMs(r.tsMs, `${f}.tsMs`),
    equity: finite(r.equity, `${f}.equity`),
    cash: finite(r.cash, `${f}.cash`),
  };
}

export function checkRiskEvent(v: unknown, f: string): RiskEventInput {
  const r = row(v, f);
  return {
    runId: text(r.runId, `${f}.runId`),
    tsMs: epochMs(r.tsMs, `${f}.tsMs`),
    kind: text(r.kind, `${f}.kind`),
    reason: optText(r.reason, `${f}.reason`, MAX_REASON) ?? '',
  };
}

export function checkInstrument(v: unknown, f: string): Instrument {
  const r = row(v, f);
  jsonText(r.calendar, `${f}.calendar`);
  row(r.calendar, `${f}.calendar`);
  return {
    symbol: text(r.symbol, `${f}.symbol`),
    assetClass: oneOf(r.assetClass, ['equity', 'crypto', 'fx', 'future', 'option'] as const, `${f}.assetClass`),
    currency: text(r.currency, `${f}.currency`),
    tickSize: positive(r.tickSize, `${f}.tickSize`),
    lotSize: positive(r.lotSize, `${f}.lotSize`),
    minQty: nonNegative(r.minQty, `${f}.minQty`),
    multiplier: positive(r.multiplier, `${f}.multiplier`),
    sector: text(r.sector, `${f}.sector`),
    calendar: r.calendar as unknown as Instrument['calendar'],
  };
}

export function checkRunKind(v: unknown, field: string): (typeof RUN_KINDS)[number] {
  return oneOf(v, RUN_KINDS, field);
}

/** Checks every row of `rows` (named `name` in messages) and returns normalized copies. */
export function checkAll<T>(rows: unknown, name: string, check: (v: unknown, field: string) => T): T[] {
  const xs = list(rows, name);
  const out = new Array<T>(xs.length);
  for (let i = 0; i < xs.length; i++) out[i] = check(xs[i], `${name}[${i}]`);
  return out;
}

export interface CheckedBatch {
  orders: OrderInput[];
  orderEvents: OrderEventInput[];
  fills: FillInput[];
  positions: PositionInput[];
  equity: EquityInput[];
  riskEvents: RiskEventInput[];
  /** Strategies' own state (onSave), committed with the rows of the same checkpoint; stored as JSON text. */
  strategyStates: CheckedStrategyState[];
}

export interface CheckedStrategyState {
  readonly runId: string;
  readonly strategyId: string;
  readonly stateJson: string;
  readonly tsMs: number;
}

export function checkBatch(batch: WriteBatch): CheckedBatch {
  const b = row(batch, 'batch') as WriteBatch;
  return {
    orders: checkAll(b.orders ?? [], 'orders', checkOrder),
    orderEvents: checkAll(b.orderEvents ?? [], 'orderEvents', checkOrderEvent),
    fills: checkAll(b.fills ?? [], 'fills', checkFill),
    positions: checkAll(b.positions ?? [], 'positions', checkPosition),
    equity: checkAll(b.equity ?? [], 'equity', checkEquity),
    riskEvents: checkAll(b.riskEvents ?? [], 'riskEvents', checkRiskEvent),
    strategyStates: [],
  };
}
