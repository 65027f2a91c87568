// The boundary between the library's decoded TWS messages and the adapter: every payload the adapter uses
// is checked here, and a bad one becomes an IbPayloadError naming the message and the field, never a
// crash or a NaN in an order. The library decodes numbers with parseInt/parseFloat, so a garbled field
// arrives as NaN or undefined: both are refused.
import { z } from 'zod';

export class IbPayloadError extends Error {
  constructor(
    readonly message_: string,
    readonly field: string,
    detail: string,
  ) {
    super(`invalid ${message_} from ib: field "${field}": ${detail}`);
  }
}

const finite = z.number().finite();
const positive = finite.positive();
const nonNeg = finite.nonnegative();

function parse<T extends z.ZodType>(message: string, schema: T, data: unknown): z.infer<T> {
  const r = schema.safeParse(data);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  throw new IbPayloadError(message, issue.path.length === 0 ? '(message)' : issue.path.map(String).join('.'), issue.message);
}

const ContractSchema = z.object({
  conId: z.number().int().optional(),
  symbol: z.string().min(1),
  secType: z.string().min(1),
  currency: z.string().min(1),
  exchange: z.string().optional(),
  lastTradeDateOrContractMonth: z.string().optional(),
  // IB sends '' or 0 for "none"; the library turns it into NaN for some messages (decoded with +str).
  multiplier: z.union([finite, z.nan()]).optional(),
});
export type IbContractIn = z.infer<typeof ContractSchema>;

export const IB_STATUSES = ['ApiPending', 'PendingSubmit', 'PendingCancel', 'PreSubmitted', 'Submitted', 'ApiCancelled', 'Cancelled', 'Filled', 'Inactive'] as const;
export type IbStatus = (typeof IB_STATUSES)[number];

const OpenOrderSchema = z.object({
  orderId: z.number().int().nonnegative(),
  contract: ContractSchema,
  order: z.object({
    action: z.enum(['BUY', 'SELL', 'SSHORT']),
    totalQuantity: positive,
    orderType: z.string().min(1),
    lmtPrice: finite.optional(),
    auxPrice: finite.optional(),
    tif: z.string(),
    orderRef: z.string().optional(),
    permId: z.number().int().optional(),
    clientId: z.number().int().optional(),
    account: z.string().optional(),
    trailStopPrice: finite.optional(),
    trailingPercent: finite.optional(),
    goodTillDate: z.string().optional(),
    filledQuantity: nonNeg.optional(),
  }),
  orderState: z.object({ status: z.enum(IB_STATUSES), completedTime: z.string().optional(), completedStatus: z.string().optional() }),
});
export type IbOpenOrder = z.infer<typeof OpenOrderSchema>;

const OrderStatusSchema = z.object({
  orderId: z.number().int().nonnegative(),
  status: z.enum(IB_STATUSES),
  filled: nonNeg,
  remaining: nonNeg,
  avgFillPrice: nonNeg,
  permId: z.number().int().optional(),
  clientId: z.number().int().optional(),
  lastFillPrice: nonNeg.optional(),
  whyHeld: z.string().optional(),
});
export type IbOrderStatus = z.infer<typeof OrderStatusSchema>;

const ExecutionSchema = z.object({
  reqId: z.number().int(),
  contract: ContractSchema,
  execution: z.object({
    orderId: z.number().int(),
    execId: z.string().min(1),
    time: z.string().min(1),
    acctNumber: z.string().optional(),
    side: z.enum(['BOT', 'SLD']),
    shares: positive,
    price: positive,
    permId: z.number().int().optional(),
    clientId: z.number().int().optional(),
    cumQty: nonNeg.optional(),
    avgPrice: nonNeg.optional(),
    orderRef: z.string().optional(),
    lastLiquidity: z.number().int().optional(),
  }),
});
export type IbExecution = z.infer<typeof ExecutionSchema>;

const CommissionSchema = z.object({ execId: z.string().min(1), commission: finite, currency: z.string() });
export type IbCommission = z.infer<typeof CommissionSchema>;

const PositionSchema = z.object({ account: z.string().min(1), contract: ContractSchema, pos: finite, avgCost: nonNeg });
export type IbPosition = z.infer<typeof PositionSchema>;

const SummarySchema = z.object({ reqId: z.number().int(), account: z.string().min(1), tag: z.string().min(1), value: z.string(), currency: z.string() });
export type IbSummaryRow = z.infer<typeof SummarySchema>;

export const parseOpenOrder = (orderId: unknown, contract: unknown, order: unknown, orderState: unknown): IbOpenOrder =>
  parse('openOrder', OpenOrderSchema, { orderId, contract, order, orderState });
export const parseCompletedOrder = (contract: unknown, order: unknown, orderState: unknown): IbOpenOrder =>
  parse('completedOrder', OpenOrderSchema, { orderId: 0, contract, order, orderState });
export const parseOrderStatus = (a: readonly unknown[]): IbOrderStatus =>
  parse('orderStatus', OrderStatusSchema, { orderId: a[0], status: a[1], filled: a[2], remaining: a[3], avgFillPrice: a[4], permId: a[5], lastFillPrice: a[7], clientId: a[8], whyHeld: a[9] });
export const parseExecution = (reqId: unknown, contract: unknown, execution: unknown): IbExecution => parse('execDetails', ExecutionSchema, { reqId, contract, execution });
export const parseCommission = (report: unknown): IbCommission => parse('commissionReport', CommissionSchema, report);
export const parsePosition = (account: unknown, contract: unknown, pos: unknown, avgCost: unknown): IbPosition => parse('position', PositionSchema, { account, contract, pos, avgCost });
export const parseSummaryRow = (reqId: unknown, account: unknown, tag: unknown, value: unknown, currency: unknown): IbSummaryRow =>
  parse('accountSummary', SummarySchema, { reqId, account, tag, value, currency });

/** A numeric account summary value (TWS sends every value as text, some tags not numbers at all). */
export function summaryNumber(row: IbSummaryRow): number {
  if (!/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(row.value)) throw new IbPayloadError('accountSummary', 'value', `${row.tag} "${row.value}" is not a number`);
  return Number(row.value);
}

/**
 * An execution's time as TWS writes it: "yyyyMMdd  HH:mm:ss" or "yyyyMMdd HH:mm:ss <IANA zone>"
 * (wall time in that zone; without a zone, `defaultZone`), or "yyyyMMdd-HH:mm:ss" (UTC).
 */
export function parseIbTime(text: string, defaultZone = 'UTC'): number {
  const m = /^(\d{4})(\d{2})(\d{2})(-| +)(\d{2}):(\d{2}):(\d{2})(?: +(\S+))?$/.exec(text.trim());
  if (m === null) throw new IbPayloadError('execDetails', 'execution.time', `"${text}" is not yyyyMMdd HH:mm:ss [zone]`);
  const [, y, mo, d, sep, h, mi, s, zone] = m;
  const wall = Date.UTC(+y!, +mo! - 1, +d!, +h!, +mi!, +s!);
  const tz = sep === '-' ? 'UTC' : (zone ?? defaultZone);
  const offset = zoneOffsetMs(wall, tz);
  if (offset === null) throw new IbPayloadError('execDetails', 'execution.time', `unknown time zone "${tz}"`);
  // The zone's offset at the instant, refined once for wall times next to a DST change.
  const first = wall - offset;
  const again = zoneOffsetMs(first, tz) ?? offset;
  return wall - again;
}

/** The UTC offset of an IANA zone at an instant, in ms (null when the zone is unknown). */
function zoneOffsetMs(atMs: number, zone: string): number | null {
  if (zone === 'UTC' || zone === 'GMT' || zone === 'Etc/UTC') return 0;
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' }).formatToParts(atMs);
  } catch {
    return null;
  }
  const get = (t: string): number => Number(parts.find((p) => p.type === t)?.value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return asUtc - Math.floor(atMs / 1000) * 1000;
}

/** A time as IB's UTC form "yyyyMMdd-HH:mm:ss" (execution filters, GTD expiries). */
export function formatIbUtc(ms: number): string {
  const d = new Date(ms);
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}-${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}

/**
 * The id of the execution a (corrected) execId belongs to. IB publishes a correction as a new execDetails
 * whose execId differs only after the last period ("0001f4e8.657a9b3c.01.01" -> ".02").
 */
export function baseExecId(execId: string): string {
  const dot = execId.lastIndexOf('.');
  return dot > 0 ? execId.slice(0, dot) : execId;
}
