// `sextant tax`: tax lots of a backtest run: realized short/long-term gains under a lot relief method,
// wash-sale adjustments, open lots and tax-loss harvesting candidates (docs/tax-lots.md).
import { z } from 'zod';
import { ConfigError, InputError } from '../core/errors.ts';
import { roundMoney } from '../core/math.ts';
import { toIso } from '../core/time.ts';
import {
  RELIEF_METHODS, bookFills, dayIso, dayOf, firstLongTermDay, harvestCandidates, isLongTerm, lotBasis, summarize, summarizeBySymbol,
  type LotSelection, type ReliefMethod, type TaxFill, type TaxLotLedger, type TaxSummary,
} from '../portfolio/tax/index.ts';
import { JsonFile, PositionSchema, RunParamsSchema, RunReportSchema, parseIsoTime, type FillDto } from './dto/index.ts';

export interface TaxRequest {
  /** Backtest JSON whose `fills[]` are booked. */
  readonly run: string;
  readonly method?: string;
  /** Backtest JSON whose `openPositions[].lastPrice` mark the open lots (default: the run itself). */
  readonly marks?: string;
  /** Harvesting date, YYYY-MM-DD or ISO time (default: the last `equity[]` time of the marks file, else the last fill). */
  readonly asOf?: string;
  readonly shortTermRate?: number;
  readonly longTermRate?: number;
  /** Smallest loss worth harvesting, in currency (default 0). */
  readonly minLoss?: number;
  readonly washSales?: boolean;
  /** Specific lots, `<fill number>=<lot id>[@qty][,<lot id>[@qty]...]` (method specific). */
  readonly selections?: readonly string[];
}

export const DEFAULT_SHORT_TERM_RATE = 0.37;
export const DEFAULT_LONG_TERM_RATE = 0.2;

const money = (x: number): number => roundMoney(x, 2) + 0;
const unit = (x: number): number => Math.round(x * 1e6) / 1e6 + 0;
const qtyOf = (x: number): number => Math.round(x * 1e9) / 1e9 + 0;

type Money = Record<keyof Omit<TaxSummary, 'disposals'>, number> & { disposals: number };
function moneySummary(s: TaxSummary): Money {
  return {
    shortTermGain: money(s.shortTermGain), longTermGain: money(s.longTermGain), totalGain: money(s.totalGain), proceeds: money(s.proceeds), costBasis: money(s.costBasis),
    washSaleDisallowed: money(s.washSaleDisallowed), deferredLossInOpenLots: money(s.deferredLossInOpenLots), economicGain: money(s.economicGain), disposals: s.disposals,
  };
}

export interface TaxReport {
  run: string;
  marks: string | null;
  method: ReliefMethod;
  washSaleRule: boolean;
  asOf: string;
  fills: number;
  summary: Money;
  bySymbol: (Money & { symbol: string })[];
  realized: {
    fill: number; symbol: string; lotId: string; side: 'long' | 'short'; qty: number; acquired: string; holdingFrom: string; disposed: string;
    proceeds: number; costBasis: number; gain: number; washSaleDisallowed: number; reportedGain: number; term: 'short' | 'long'; deferredLossInBasis: number;
    /** Last day a purchase would still wash the loss not yet matched, when after the as-of day; else null. */
    washWindowOpenUntil: string | null;
  }[];
  washSales: {
    saleFill: number; symbol: string; soldLotId: string; saleTime: string; qty: number; disallowedLoss: number;
    replacementLotId: string; replacementFill: number; replacementAcquired: string; holdingDaysCarried: number;
  }[];
  openLots: {
    id: string; symbol: string; side: 'long' | 'short'; qty: number; acquired: string; holdingFrom: string; longTermFrom: string | null;
    unitCost: number; washAdjustment: number; costBasis: number; mark: number | null; marketValue: number | null; unrealizedGain: number | null; termAsOf: 'short' | 'long';
  }[];
  harvesting: {
    asOf: string; shortTermRate: number; longTermRate: number; minLoss: number; commissionRate: number;
    candidates: { lotId: string; symbol: string; qty: number; acquired: string; term: 'short' | 'long'; costBasis: number; mark: number; proceeds: number; loss: number; taxRate: number; estimatedTaxSavings: number; rebuyWashUntil: string; warning: string }[];
    blocked: { lotId: string; symbol: string; qty: number; loss: number; replacementLotIds: string[]; clearFrom: string }[];
    unmarked: string[];
    totalLoss: number;
    totalEstimatedTaxSavings: number;
  };
  warnings: string[];
}

// ---------- reading the run files through the RunReport schema ----------

const BACKTEST_JSON = 'the output of `sextant backtest --json`';

/** An open position's mark: symbol and lastPrice, with qty when the file has it. */
const MarkSchema = PositionSchema.pick({ symbol: true, lastPrice: true }).extend({ qty: PositionSchema.shape.qty.optional() });

/** What a marks file gives: its open positions and equity curve (both may be absent in the run file). */
const MarksSchema = z.object({
  openPositions: z.array(MarkSchema).optional(),
  equity: RunReportSchema.shape.equity.optional(),
});

/** The parts of a RunReport that tax lots read: the fills, the commission rate, and the marks. */
const TaxRunSchema = MarksSchema.extend({
  params: z.object({ commission: RunParamsSchema.shape.commission.nullable().optional() }).optional(),
  fills: RunReportSchema.shape.fills,
});

type Marks = z.output<typeof MarksSchema>;

/** The `fills[]` of a parsed run, checked for tax lots (prices >= 0, quantities > 0, time order), in file order. */
function taxFills(doc: JsonFile, fills: readonly FillDto[]): TaxFill[] {
  const out: TaxFill[] = [];
  fills.forEach((f, i) => {
    const tsMs = parseIsoTime(f.time)!;
    if (!(f.price >= 0)) doc.fail(['fills', i, 'price'], `must be a price >= 0, got ${f.price}`);
    if (!(f.qty > 0)) doc.fail(['fills', i, 'qty'], `must be a quantity > 0, got ${f.qty}`);
    const prev = out.at(-1);
    if (prev !== undefined && tsMs < prev.tsMs) doc.fail(['fills', i, 'time'], `fills must be in time order: ${toIso(tsMs)} is before the previous fill's ${toIso(prev.tsMs)}`);
    out.push({ tsMs, symbol: f.symbol, side: f.side, price: f.price, qty: f.qty, commission: f.commission });
  });
  return out;
}

/** The `fills[]` of a backtest JSON file, validated, in file order. */
export function readBacktestFills(file: string): TaxFill[] {
  const doc = JsonFile.read(file, BACKTEST_JSON, 'run');
  return taxFills(doc, doc.parse(TaxRunSchema).fills);
}

/** `openPositions[]` of a marks document: lastPrice (mark) and qty per symbol. */
function positionsOf(doc: JsonFile, marks: Marks): Map<string, { mark: number; qty: number | null }> {
  if (marks.openPositions === undefined) doc.fail(['openPositions'], 'missing (expected array)');
  const out = new Map<string, { mark: number; qty: number | null }>();
  marks.openPositions.forEach((p, i) => {
    if (!(p.lastPrice >= 0)) doc.fail(['openPositions', i, 'lastPrice'], `must be a price >= 0, got ${p.lastPrice}`);
    out.set(p.symbol, { mark: p.lastPrice, qty: p.qty ?? null });
  });
  return out;
}

/** Time of the last `equity[]` point, when the document has one. */
function lastEquityMs(marks: Marks): number | null {
  const last = marks.equity?.at(-1);
  return last === undefined ? null : parseIsoTime(last.time);
}

/** `--select` specs: `<fill number>=<lot id>[@qty][,<lot id>[@qty]...]`, repeatable. */
export function parseSelections(specs: readonly string[]): Map<number, LotSelection[]> {
  const out = new Map<number, LotSelection[]>();
  for (const spec of specs) {
    const eq = spec.indexOf('=');
    const fillNo = Number(spec.slice(0, eq));
    if (eq <= 0 || !Number.isInteger(fillNo) || fillNo < 1) throw new ConfigError(`expects <fill number>=<lot id>[@qty][,...], got "${spec}"`, { field: 'selections' });
    const list = out.get(fillNo) ?? [];
    for (const part of spec.slice(eq + 1).split(',')) {
      const at = part.lastIndexOf('@');
      const lotId = (at >= 0 ? part.slice(0, at) : part).trim();
      const qty = at >= 0 ? Number(part.slice(at + 1)) : undefined;
      if (lotId === '' || (qty !== undefined && !(Number.isFinite(qty) && qty > 0))) throw new ConfigError(`bad lot "${part}" in "${spec}" (want <lot id>[@qty], qty > 0)`, { field: 'selections' });
      list.push(qty === undefined ? { lotId } : { lotId, qty });
    }
    out.set(fillNo, list);
  }
  return out;
}

function checkFraction(x: number, field: string): number {
  if (!(Number.isFinite(x) && x >= 0 && x <= 1)) throw new ConfigError(`must be a fraction in [0, 1] (0.37 = 37%), got ${x}`, { field });
  return x;
}

function fromInput(e: unknown, file: string): never {
  // errors of the lot ledger name a fill by number; say which file it is in
  if (e instanceof InputError) throw new InputError(e.message, { file });
  throw e;
}

export function runTax(req: TaxRequest): TaxReport {
  const method = (req.method ?? 'fifo') as ReliefMethod;
  if (!RELIEF_METHODS.includes(method)) throw new ConfigError(`must be one of ${RELIEF_METHODS.join(', ')}, got "${req.method}"`, { field: 'method' });
  const selections = parseSelections(req.selections ?? []);
  if (selections.size > 0 && method !== 'specific') throw new ConfigError('lot selections need method specific', { field: 'selections' });
  const shortTermRate = checkFraction(req.shortTermRate ?? DEFAULT_SHORT_TERM_RATE, 'shortTermRate');
  const longTermRate = checkFraction(req.longTermRate ?? DEFAULT_LONG_TERM_RATE, 'longTermRate');
  const minLoss = req.minLoss ?? 0;
  if (!(Number.isFinite(minLoss) && minLoss >= 0)) throw new ConfigError(`must be >= 0, got ${minLoss}`, { field: 'minLoss' });
  const washSales = req.washSales ?? true;
  const warnings: string[] = [];

  const runDoc = JsonFile.read(req.run, BACKTEST_JSON, 'run');
  const run = runDoc.parse(TaxRunSchema);
  const fills = taxFills(runDoc, run.fills);
  const commissionRate = run.params?.commission ?? 0;
  if (!(commissionRate >= 0 && commissionRate < 1)) runDoc.fail(['params', 'commission'], `must be a fraction of traded value in [0, 1), got ${commissionRate}`);
  let ledger: TaxLotLedger;
  try {
    ledger = bookFills(fills, { method, washSales, selections });
  } catch (e) {
    fromInput(e, req.run);
  }

  const marksDoc = req.marks === undefined ? runDoc : JsonFile.read(req.marks, BACKTEST_JSON, 'marks');
  const marksRun: Marks = req.marks === undefined ? run : marksDoc.parse(MarksSchema);
  let marks = new Map<string, { mark: number; qty: number | null }>();
  if (marksRun.openPositions !== undefined || req.marks !== undefined) marks = positionsOf(marksDoc, marksRun);
  else warnings.push(`${req.run} has no openPositions: open lots are not marked and no harvesting candidates are listed`);

  const lastFillMs = fills.at(-1)?.tsMs ?? null;
  let asOfMs: number;
  if (req.asOf !== undefined) {
    const t = parseIsoTime(req.asOf);
    if (t === null) throw new ConfigError(`must be a date (YYYY-MM-DD) or ISO 8601 UTC time, got "${req.asOf}"`, { field: 'asOf' });
    if (lastFillMs !== null && t < lastFillMs) throw new ConfigError(`${req.asOf} is before the last fill (${toIso(lastFillMs)})`, { field: 'asOf' });
    asOfMs = t;
  } else {
    const eq = lastEquityMs(marksRun);
    asOfMs = Math.max(eq ?? -Infinity, lastFillMs ?? -Infinity);
    if (!Number.isFinite(asOfMs)) asOfMs = 0;
    if (eq !== null && lastFillMs !== null && eq < lastFillMs) warnings.push(`the marks' last equity time ${toIso(eq)} is before the last fill; harvesting as of the last fill ${toIso(lastFillMs)}`);
  }
  const asOfDay = dayOf(asOfMs);

  const disposals = ledger.disposals();
  const openLots = ledger.openLots();
  const pending = new Map(ledger.pendingWashes(asOfDay + 1).map((p) => [`${p.saleFillNo}|${p.soldLotId}`, p.windowEndDay]));
  const harvest = harvestCandidates(ledger, { asOfMs, marks: new Map([...marks].map(([s, m]) => [s, m.mark])), shortTermRate, longTermRate, minLoss, commissionRate });

  // the run's own open positions should equal the open lots
  const runPositions = req.marks === undefined ? marks : run.openPositions === undefined ? new Map<string, { mark: number; qty: number | null }>() : positionsOf(runDoc, run);
  const net = new Map<string, number>();
  for (const l of openLots) net.set(l.symbol, (net.get(l.symbol) ?? 0) + (l.side === 'long' ? l.qty : -l.qty));
  for (const [symbol, p] of runPositions) {
    const q = net.get(symbol) ?? 0;
    if (p.qty !== null && Math.abs(p.qty - q) > 1e-6 * Math.max(1, Math.abs(q))) warnings.push(`openPositions of ${req.run} holds ${p.qty} ${symbol} but its fills leave ${qtyOf(q)}`);
  }
  for (const [symbol, q] of net) if (!runPositions.has(symbol) && run.openPositions !== undefined) warnings.push(`the fills of ${req.run} leave ${qtyOf(q)} ${symbol} that its openPositions does not list`);
  if (harvest.unmarked.length > 0) warnings.push(`no mark for ${harvest.unmarked.join(', ')}: not considered for harvesting`);
  const stillOpen = [...pending.values()];
  if (stillOpen.length > 0) warnings.push(`${stillOpen.length} loss sale(s) can still become wash sales: a purchase on or before ${dayIso(Math.max(...stillOpen))} would disallow them`);

  const s = summarize(disposals, openLots);
  return {
    run: req.run,
    marks: req.marks ?? null,
    method,
    washSaleRule: washSales,
    asOf: toIso(asOfMs),
    fills: fills.length,
    summary: moneySummary(s),
    bySymbol: summarizeBySymbol(disposals, openLots).map((b) => ({ symbol: b.symbol, ...moneySummary(b) })),
    realized: disposals.map((d) => {
      const open = pending.get(`${d.fillNo}|${d.lotId}`);
      return {
        fill: d.fillNo, symbol: d.symbol, lotId: d.lotId, side: d.side, qty: qtyOf(d.qty), acquired: toIso(d.acquiredMs), holdingFrom: dayIso(d.holdingFromDay), disposed: toIso(d.disposedMs),
        proceeds: money(d.proceeds), costBasis: money(d.costBasis), gain: money(d.gain), washSaleDisallowed: money(d.washDisallowed), reportedGain: money(d.reportedGain), term: d.term,
        deferredLossInBasis: money(d.deferredLossInBasis), washWindowOpenUntil: open === undefined ? null : dayIso(open),
      };
    }),
    // by sale, then replacement (the ledger lists them as matched: a purchase after a sale matches it later)
    washSales: ledger.washSales().sort((x, y) => x.saleFillNo - y.saleFillNo || x.replacementFillNo - y.replacementFillNo).map((w) => ({
      saleFill: w.saleFillNo, symbol: w.symbol, soldLotId: w.soldLotId, saleTime: toIso(w.saleMs), qty: qtyOf(w.qty), disallowedLoss: money(w.disallowedLoss),
      replacementLotId: w.replacementLotId, replacementFill: w.replacementFillNo, replacementAcquired: toIso(w.replacementAcquiredMs), holdingDaysCarried: w.holdingDaysCarried,
    })),
    openLots: openLots.map((l) => {
      const m = marks.get(l.symbol)?.mark;
      const sign = l.side === 'long' ? 1 : -1;
      const basis = lotBasis(l);
      return {
        id: l.id, symbol: l.symbol, side: l.side, qty: qtyOf(l.qty), acquired: toIso(l.acquiredMs), holdingFrom: dayIso(l.holdingFromDay),
        longTermFrom: l.side === 'long' ? dayIso(firstLongTermDay(l.holdingFromDay)) : null,
        unitCost: unit(l.unitCost), washAdjustment: money(l.qty * l.washAdjustmentPerShare), costBasis: money(basis),
        mark: m ?? null, marketValue: m === undefined ? null : money(sign * l.qty * m), unrealizedGain: m === undefined ? null : money(sign * (l.qty * m - basis)),
        termAsOf: l.side === 'long' && isLongTerm(l.holdingFromDay, asOfDay) ? 'long' : 'short',
      };
    }),
    harvesting: {
      asOf: dayIso(asOfDay), shortTermRate, longTermRate, minLoss, commissionRate,
      candidates: harvest.candidates.map((c) => ({
        lotId: c.lotId, symbol: c.symbol, qty: qtyOf(c.qty), acquired: toIso(c.acquiredMs), term: c.term, costBasis: money(c.costBasis), mark: c.mark, proceeds: money(c.proceeds),
        loss: money(c.loss), taxRate: c.taxRate, estimatedTaxSavings: money(c.estimatedTaxSavings), rebuyWashUntil: dayIso(c.rebuyWashUntilDay),
        warning: `buying ${c.symbol} on or before ${dayIso(c.rebuyWashUntilDay)} would make this sale a wash sale and defer the loss`,
      })),
      blocked: harvest.blocked.map((b) => ({ lotId: b.lotId, symbol: b.symbol, qty: qtyOf(b.qty), loss: money(b.loss), replacementLotIds: [...b.replacementLotIds], clearFrom: dayIso(b.clearFromDay) })),
      unmarked: [...harvest.unmarked],
      totalLoss: money(harvest.totalLoss),
      totalEstimatedTaxSavings: money(harvest.totalEstimatedTaxSavings),
    },
    warnings,
  };
}
