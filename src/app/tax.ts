// `sextant tax`: tax lots of a backtest run: realized short/long-term gains under a lot relief method,
// wash-sale adjustments, open lots and tax-loss harvesting candidates (docs/tax-lots.md).
import { readFileSync } from 'node:fs';
import { ConfigError, InputError } from '../core/errors.ts';
import { roundMoney } from '../core/math.ts';
import { toIso } from '../core/time.ts';
import {
  RELIEF_METHODS, bookFills, dayIso, dayOf, firstLongTermDay, harvestCandidates, isLongTerm, lotBasis, summarize, summarizeBySymbol,
  type LotSelection, type ReliefMethod, type TaxFill, type TaxLotLedger, type TaxSummary,
} from '../portfolio/tax/index.ts';

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

// ---------- reading a JSON file with error positions ----------

type Path = readonly (string | number)[];

function pathText(path: Path): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

/** Character offset of the value at `path` in JSON `text` (or of the deepest ancestor that exists). */
export function locateJson(text: string, path: Path): number {
  let i = 0;
  const ws = (): void => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t')) i++;
  };
  const skipString = (): void => {
    i++;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
  };
  const readKey = (): string => {
    const start = i;
    skipString();
    return JSON.parse(text.slice(start, i)) as string;
  };
  const skipValue = (): void => {
    ws();
    const c = text[i];
    if (c === '"') return skipString();
    if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      i++;
      ws();
      if (text[i] === close) {
        i++;
        return;
      }
      for (;;) {
        if (c === '{') {
          ws();
          skipString();
          ws();
          i++; // ':'
        }
        skipValue();
        ws();
        if (text[i++] !== ',') return;
      }
    }
    while (i < text.length && !' \n\r\t,]}'.includes(text[i]!)) i++;
  };
  ws();
  let at: number;
  for (const key of path) {
    ws();
    at = i;
    if (typeof key === 'number') {
      if (text[i] !== '[') return at;
      i++;
      for (let k = 0; ; k++) {
        ws();
        if (text[i] === ']') return at;
        if (k === key) break;
        skipValue();
        ws();
        if (text[i++] !== ',') return at;
      }
    } else {
      if (text[i] !== '{') return at;
      i++;
      for (;;) {
        ws();
        if (text[i] !== '"') return at;
        const name = readKey();
        ws();
        i++; // ':'
        if (name === key) break;
        skipValue();
        ws();
        if (text[i++] !== ',') return at;
      }
    }
  }
  ws();
  return i;
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let k = 0; k < offset && k < text.length; k++) if (text[k] === '\n') line++;
  return line;
}

class JsonDoc {
  constructor(
    readonly file: string,
    readonly text: string,
    readonly root: unknown,
  ) {}

  static read(file: string): JsonDoc {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      throw new InputError(`cannot read the file: ${e instanceof Error ? e.message : String(e)}`, { file });
    }
    try {
      return new JsonDoc(file, text, JSON.parse(text));
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      const lineCol = /line (\d+)/.exec(msg);
      const pos = /position (\d+)/.exec(msg);
      const line = lineCol !== null ? Number(lineCol[1]) : pos !== null ? lineAt(text, Number(pos[1])) : undefined;
      throw new InputError(`not valid JSON: ${msg}`, { file, line });
    }
  }

  fail(path: Path, message: string): never {
    throw new InputError(message, { file: this.file, line: lineAt(this.text, locateJson(this.text, path)), field: pathText(path) });
  }

  /** The value at `path`, or undefined when an ancestor or the value is missing. */
  get(path: Path): unknown {
    let v: unknown = this.root;
    for (const k of path) {
      if (typeof k === 'number') v = Array.isArray(v) ? v[k] : undefined;
      else v = v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>)[k] : undefined;
    }
    return v;
  }

  array(path: Path, what: string): unknown[] {
    const v = this.get(path);
    if (v === undefined) this.fail(path, `missing ${what} (an array)`);
    if (!Array.isArray(v)) this.fail(path, `${what} must be an array, got ${typeName(v)}`);
    return v;
  }

  string(path: Path): string {
    const v = this.get(path);
    if (v === undefined) this.fail(path, 'missing (a string)');
    if (typeof v !== 'string' || v === '') this.fail(path, `must be a non-empty string, got ${JSON.stringify(v)}`);
    return v;
  }

  number(path: Path, ok: (x: number) => boolean, expect: string): number {
    const v = this.get(path);
    if (v === undefined) this.fail(path, `missing (${expect})`);
    if (typeof v !== 'number' || !Number.isFinite(v) || !ok(v)) this.fail(path, `must be ${expect}, got ${JSON.stringify(v)}`);
    return v;
  }

  timeMs(path: Path): number {
    const s = this.string(path);
    const ms = parseTime(s);
    if (ms === null) this.fail(path, `must be an ISO 8601 UTC time (2024-01-02T14:30:00Z) or date, got "${s}"`);
    return ms;
  }
}

function typeName(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v;
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/;

/** Epoch ms of an ISO 8601 date (UTC midnight) or time with a zone designator; null when not one. */
export function parseTime(s: string): number | null {
  if (!ISO_TIME.test(s)) return null;
  const ms = Date.parse(s);
  return Number.isFinite(ms) ? ms : null;
}

/** The `fills[]` of a backtest JSON file, validated, in file order. */
export function readBacktestFills(file: string): TaxFill[] {
  return readFills(JsonDoc.read(file));
}

function readFills(doc: JsonDoc): TaxFill[] {
  if (doc.root === null || typeof doc.root !== 'object' || Array.isArray(doc.root)) doc.fail([], `must be a backtest JSON object, got ${typeName(doc.root)}`);
  const raw = doc.array(['fills'], 'fills');
  const fills: TaxFill[] = [];
  raw.forEach((f, i) => {
    const at = (k: string): Path => ['fills', i, k];
    if (f === null || typeof f !== 'object' || Array.isArray(f)) doc.fail(['fills', i], `each fill must be an object { time, symbol, side, price, qty, commission }, got ${typeName(f)}`);
    const tsMs = doc.timeMs(at('time'));
    const symbol = doc.string(at('symbol'));
    const side = doc.get(at('side'));
    if (side !== 'buy' && side !== 'sell') doc.fail(at('side'), `must be "buy" or "sell", got ${JSON.stringify(side)}`);
    const price = doc.number(at('price'), (x) => x >= 0, 'a price >= 0');
    const qty = doc.number(at('qty'), (x) => x > 0, 'a quantity > 0');
    const commission = doc.number(at('commission'), () => true, 'a number');
    const prev = fills.at(-1);
    if (prev !== undefined && tsMs < prev.tsMs) doc.fail(at('time'), `fills must be in time order: ${toIso(tsMs)} is before the previous fill's ${toIso(prev.tsMs)}`);
    fills.push({ tsMs, symbol, side, price, qty, commission });
  });
  return fills;
}

/** `openPositions[]` of a backtest JSON: lastPrice (mark) and qty per symbol. */
function readPositions(doc: JsonDoc): Map<string, { mark: number; qty: number | null }> {
  const out = new Map<string, { mark: number; qty: number | null }>();
  doc.array(['openPositions'], 'openPositions').forEach((p, i) => {
    if (p === null || typeof p !== 'object' || Array.isArray(p)) doc.fail(['openPositions', i], `each open position must be an object { symbol, qty, lastPrice, ... }, got ${typeName(p)}`);
    const symbol = doc.string(['openPositions', i, 'symbol']);
    const mark = doc.number(['openPositions', i, 'lastPrice'], (x) => x >= 0, 'a price >= 0');
    const qtyRaw = doc.get(['openPositions', i, 'qty']);
    const qty = qtyRaw === undefined ? null : doc.number(['openPositions', i, 'qty'], () => true, 'a number');
    out.set(symbol, { mark, qty });
  });
  return out;
}

/** Time of the last `equity[]` point, when the file has one. */
function lastEquityMs(doc: JsonDoc): number | null {
  if (doc.get(['equity']) === undefined) return null;
  const eq = doc.array(['equity'], 'equity');
  if (eq.length === 0) return null;
  return doc.timeMs(['equity', eq.length - 1, 'time']);
}

/** `--select` specs: `<fill number>=<lot id>[@qty][,<lot id>[@qty]...]`, repeatable. */
export function parseSelections(specs: readonly string[]): Map<number, LotSelection[]> {
  const out = new Map<number, LotSelection[]>();
  for (const spec of specs) {
    const eq = spec.indexOf('=');
    const fillNo = Number(spec.slice(0, eq));
    if (eq <= 0 || !Number.isInteger(fillNo) || fillNo < 1) throw new ConfigError(`--select expects <fill number>=<lot id>[@qty][,...], got "${spec}"`, { field: '--select' });
    const list = out.get(fillNo) ?? [];
    for (const part of spec.slice(eq + 1).split(',')) {
      const at = part.lastIndexOf('@');
      const lotId = (at >= 0 ? part.slice(0, at) : part).trim();
      const qty = at >= 0 ? Number(part.slice(at + 1)) : undefined;
      if (lotId === '' || (qty !== undefined && !(Number.isFinite(qty) && qty > 0))) throw new ConfigError(`--select: bad lot "${part}" in "${spec}" (want <lot id>[@qty], qty > 0)`, { field: '--select' });
      list.push(qty === undefined ? { lotId } : { lotId, qty });
    }
    out.set(fillNo, list);
  }
  return out;
}

function checkFraction(x: number, flag: string): number {
  if (!(Number.isFinite(x) && x >= 0 && x <= 1)) throw new ConfigError(`${flag} must be a fraction in [0, 1] (0.37 = 37%), got ${x}`, { field: flag });
  return x;
}

function fromInput(e: unknown, file: string): never {
  // errors of the lot ledger name a fill by number; say which file it is in
  if (e instanceof InputError) throw new InputError(e.message, { file });
  throw e;
}

export function runTax(req: TaxRequest): TaxReport {
  const method = (req.method ?? 'fifo') as ReliefMethod;
  if (!RELIEF_METHODS.includes(method)) throw new ConfigError(`--method must be one of ${RELIEF_METHODS.join(', ')}, got "${req.method}"`, { field: '--method' });
  const selections = parseSelections(req.selections ?? []);
  if (selections.size > 0 && method !== 'specific') throw new ConfigError('--select names lots for method specific; add --method specific', { field: '--select' });
  const shortTermRate = checkFraction(req.shortTermRate ?? DEFAULT_SHORT_TERM_RATE, '--short-rate');
  const longTermRate = checkFraction(req.longTermRate ?? DEFAULT_LONG_TERM_RATE, '--long-rate');
  const minLoss = req.minLoss ?? 0;
  if (!(Number.isFinite(minLoss) && minLoss >= 0)) throw new ConfigError(`--min-loss must be >= 0, got ${minLoss}`, { field: '--min-loss' });
  const washSales = req.washSales ?? true;
  const warnings: string[] = [];

  const run = JsonDoc.read(req.run);
  const fills = readFills(run);
  const commissionRaw = run.get(['params', 'commission']);
  const commissionRate = commissionRaw === undefined || commissionRaw === null ? 0 : run.number(['params', 'commission'], (x) => x >= 0 && x < 1, 'a fraction of traded value in [0, 1)');
  let ledger: TaxLotLedger;
  try {
    ledger = bookFills(fills, { method, washSales, selections });
  } catch (e) {
    fromInput(e, req.run);
  }

  const marksDoc = req.marks === undefined ? run : JsonDoc.read(req.marks);
  let marks = new Map<string, { mark: number; qty: number | null }>();
  if (marksDoc.get(['openPositions']) !== undefined || req.marks !== undefined) marks = readPositions(marksDoc);
  else warnings.push(`${req.run} has no openPositions: open lots are not marked and no harvesting candidates are listed`);

  const lastFillMs = fills.at(-1)?.tsMs ?? null;
  let asOfMs: number;
  if (req.asOf !== undefined) {
    const t = parseTime(req.asOf);
    if (t === null) throw new ConfigError(`--as-of must be a date (YYYY-MM-DD) or ISO 8601 UTC time, got "${req.asOf}"`, { field: '--as-of' });
    if (lastFillMs !== null && t < lastFillMs) throw new ConfigError(`--as-of ${req.asOf} is before the last fill (${toIso(lastFillMs)})`, { field: '--as-of' });
    asOfMs = t;
  } else {
    const eq = lastEquityMs(marksDoc);
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
  const runPositions = req.marks === undefined ? marks : run.get(['openPositions']) === undefined ? new Map() : readPositions(run);
  const net = new Map<string, number>();
  for (const l of openLots) net.set(l.symbol, (net.get(l.symbol) ?? 0) + (l.side === 'long' ? l.qty : -l.qty));
  for (const [symbol, p] of runPositions) {
    const q = net.get(symbol) ?? 0;
    if (p.qty !== null && Math.abs(p.qty - q) > 1e-6 * Math.max(1, Math.abs(q))) warnings.push(`openPositions of ${req.run} holds ${p.qty} ${symbol} but its fills leave ${qtyOf(q)}`);
  }
  for (const [symbol, q] of net) if (!runPositions.has(symbol) && run.get(['openPositions']) !== undefined) warnings.push(`the fills of ${req.run} leave ${qtyOf(q)} ${symbol} that its openPositions does not list`);
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
