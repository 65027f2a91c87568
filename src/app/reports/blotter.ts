// The trade blotter (SEC Rule 17a-3(a)(1) style): every purchase and sale of a run, per business day, with the
// account, the security, side, quantity, unit and aggregate price, trade time, venue, order and execution ids,
// and totals that add up the run's stored fills exactly (docs/compliance.md, "Trade blotter").
import { toIso } from '../../core/time.ts';
import type { FillInput, OrderRecord, RunRecord } from '../../store/store.ts';
import type { BlotterDto, BlotterRowDto, BlotterTotalsDto } from '../dto/reports.ts';
import { toCsv } from './csv-table.ts';
import { dayIn } from './days.ts';
import type { InstrumentReference } from './reference.ts';
import { venueOfRun } from './run-records.ts';

export interface BlotterInput {
  readonly run: RunRecord;
  /** The run's fills in booking order. */
  readonly fills: readonly FillInput[];
  readonly orders: readonly OrderRecord[];
  readonly multipliers: ReadonlyMap<string, number>;
  /** The venue's id of each order that has one (absent: none stored, as for runs written before they were). */
  readonly venueOrderIds?: ReadonlyMap<string, string>;
  readonly reference: InstrumentReference | null;
  /** Only this business day (YYYY-MM-DD in `timeZone`); null for every day. */
  readonly date: string | null;
  /** IANA time zone of the business day (default UTC). */
  readonly timeZone?: string;
}

function emptyTotals(): { -readonly [K in keyof BlotterTotalsDto]: BlotterTotalsDto[K] } {
  return { count: 0, boughtQuantity: 0, soldQuantity: 0, boughtValue: 0, soldValue: 0, commission: 0 };
}

function add(t: ReturnType<typeof emptyTotals>, r: BlotterRowDto): void {
  t.count++;
  if (r.side === 'buy') {
    t.boughtQuantity += r.quantity;
    t.boughtValue += r.aggregatePrice;
  } else {
    t.soldQuantity += r.quantity;
    t.soldValue += r.aggregatePrice;
  }
  t.commission += r.commission;
}

export function buildBlotter(input: BlotterInput): BlotterDto {
  const timeZone = input.timeZone ?? 'UTC';
  const dayOf = dayIn(timeZone);
  const venue = venueOfRun(input.run);
  const orderType = new Map(input.orders.map((o) => [o.clientOrderId, o.type]));
  const rows: BlotterRowDto[] = [];
  const totals = emptyTotals();
  const days = new Map<string, ReturnType<typeof emptyTotals>>();
  const symbols = new Map<string, ReturnType<typeof emptyTotals>>();
  for (const f of input.fills) {
    const tradeDate = dayOf(f.tsMs);
    if (input.date !== null && tradeDate !== input.date) continue;
    const ref = input.reference?.entries.get(f.symbol);
    const multiplier = input.multipliers.get(f.symbol) ?? 1;
    const aggregatePrice = f.qty * f.price * multiplier;
    const row: BlotterRowDto = {
      tradeDate, tradeTime: toIso(f.tsMs), account: f.runId, strategy: f.strategyId, symbol: f.symbol, securityName: ref?.securityName ?? f.symbol, cusip: ref?.cusip ?? null,
      side: f.side, quantity: f.qty, unitPrice: f.price, multiplier, aggregatePrice, commission: f.commission,
      netAmount: f.side === 'buy' ? aggregatePrice + f.commission : aggregatePrice - f.commission,
      liquidity: f.liquidity, venue, venueOrderId: input.venueOrderIds?.get(f.orderId) ?? null, clientOrderId: f.orderId, executionId: f.fillId, orderType: orderType.get(f.orderId) ?? null,
    };
    rows.push(row);
    add(totals, row);
    let d = days.get(tradeDate);
    if (d === undefined) days.set(tradeDate, (d = emptyTotals()));
    add(d, row);
    let s = symbols.get(f.symbol);
    if (s === undefined) symbols.set(f.symbol, (s = emptyTotals()));
    add(s, row);
  }
  return {
    report: 'blotter', account: input.run.id, runKind: input.run.kind, venue, date: input.date, timeZone, reference: input.reference?.file ?? null, rows,
    days: [...days].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([date, t]) => ({ date, ...t })),
    symbols: [...symbols].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([symbol, t]) => ({ symbol, ...t })),
    totals,
  };
}

export const BLOTTER_COLUMNS = [
  'tradeDate', 'tradeTime', 'account', 'strategy', 'symbol', 'securityName', 'cusip', 'side', 'quantity', 'unitPrice', 'multiplier', 'aggregatePrice',
  'commission', 'netAmount', 'liquidity', 'venue', 'venueOrderId', 'clientOrderId', 'executionId', 'orderType',
] as const satisfies readonly (keyof BlotterRowDto)[];

/** The rows as RFC 4180 CSV, one execution per record, with a header of the field names. */
export function blotterCsv(b: BlotterDto): string {
  return toCsv(BLOTTER_COLUMNS, b.rows.map((r) => BLOTTER_COLUMNS.map((c) => r[c])));
}
