// Tax-lot accounting over a stream of fills: lot relief (FIFO, LIFO, HIFO, specific lots), short- and
// long-term realized gains, short lots, and the US wash-sale rule (IRC §1091). The rules and exact
// conventions are in docs/tax-lots.md; every number here is float64, rounding is the caller's.
import { InputError } from '../../core/errors.ts';
import { dayOf, isLongTerm } from './holding.ts';
import { reliefOrder, type LotSelection, type LotSide, type ReliefMethod, type TaxFill, type TaxLot, type Term } from './lots.ts';

/** A loss is disallowed when replacement shares are acquired within this many calendar days before or after the sale. */
export const WASH_WINDOW_DAYS = 30;

/** The relief of (part of) one lot by one fill. */
export interface Disposal {
  /** 1-based number of the closing fill. */
  readonly fillNo: number;
  readonly symbol: string;
  readonly lotId: string;
  readonly side: LotSide;
  readonly qty: number;
  readonly acquiredMs: number;
  /** The day the holding period is counted from (see TaxLot.holdingFromDay). */
  readonly holdingFromDay: number;
  readonly disposedMs: number;
  /** Long: sale price x qty - the sell commission's share. Short: the short sale's proceeds for these shares. */
  readonly proceeds: number;
  /** Long: the adjusted basis (cost + buy commission + wash-sale adjustments). Short: cover price x qty + the buy commission's share. */
  readonly costBasis: number;
  /** proceeds - costBasis, before any wash-sale disallowance of this sale's loss. */
  readonly gain: number;
  /** Part of a loss disallowed by the wash-sale rule (>= 0); it moved into the basis of replacement lots. */
  readonly washDisallowed: number;
  /** gain + washDisallowed: the gain or loss to report. */
  readonly reportedGain: number;
  /** Long lots by holding period; short sales are always short-term (see docs/tax-lots.md). */
  readonly term: Term;
  /** Part of costBasis that is loss deferred from earlier wash sales. */
  readonly deferredLossInBasis: number;
}

/** One match of sold loss shares with replacement shares. */
export interface WashSale {
  readonly saleFillNo: number;
  readonly symbol: string;
  readonly soldLotId: string;
  readonly saleMs: number;
  /** Shares matched (loss shares = replacement shares). */
  readonly qty: number;
  readonly disallowedLoss: number;
  readonly replacementLotId: string;
  readonly replacementFillNo: number;
  readonly replacementAcquiredMs: number;
  /** Days of the sold shares' holding period added to the replacement lot's. */
  readonly holdingDaysCarried: number;
}

/** Loss shares of a sale not yet matched with replacements, while its 30-day window after the sale runs. */
export interface PendingWash {
  readonly saleFillNo: number;
  readonly symbol: string;
  readonly soldLotId: string;
  readonly qty: number;
  readonly lossPerShare: number;
  /** Last day on which a purchase still makes these shares a wash sale. */
  readonly windowEndDay: number;
}

export interface LedgerOptions {
  /** Lot relief method (default fifo). Under `specific`, shares a fill does not name are relieved FIFO. */
  readonly method?: ReliefMethod;
  /** Apply the wash-sale rule (default true). */
  readonly washSales?: boolean;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
interface Lot extends Mutable<TaxLot> {
  acquiredDay: number;
  /** Wash-sale splits made so far (root lots only). */
  splits: number;
}
interface Pending {
  disposal: number;
  saleFillNo: number;
  saleMs: number;
  soldLotId: string;
  symbol: string;
  lossPerShare: number;
  qty: number;
  eps: number;
  saleDay: number;
  heldDays: number;
}

function epsOf(qty: number): number {
  return 1e-9 * Math.max(1, Math.abs(qty));
}

function snapshot(l: Lot): TaxLot {
  return {
    id: l.id, symbol: l.symbol, side: l.side, openFillNo: l.openFillNo, acquiredMs: l.acquiredMs, holdingFromDay: l.holdingFromDay, qty: l.qty,
    unitCost: l.unitCost, washAdjustmentPerShare: l.washAdjustmentPerShare, isReplacement: l.isReplacement, splitSeq: l.splitSeq,
  };
}

export class TaxLotLedger {
  readonly method: ReliefMethod;
  readonly washSalesEnabled: boolean;
  #lots = new Map<string, Lot[]>();
  #disposals: Mutable<Disposal>[] = [];
  #washes: WashSale[] = [];
  #pending = new Map<string, Pending[]>();
  #fillNo = 0;
  #lastMs = -Infinity;

  constructor(opts: LedgerOptions = {}) {
    this.method = opts.method ?? 'fifo';
    this.washSalesEnabled = opts.washSales ?? true;
  }

  /** Fills applied so far. */
  get fillCount(): number {
    return this.#fillNo;
  }

  /** Time of the last fill applied (-Infinity before any). */
  get lastFillMs(): number {
    return this.#lastMs;
  }

  /**
   * Books the next fill (fills must come in time order). A buy covers short lots, then opens a long lot
   * with the rest; a sell relieves long lots, then opens a short lot with the rest. `selections` name
   * the lots this fill relieves first (specific identification, under any method); the rest follows the
   * ledger's method.
   */
  apply(fill: TaxFill, selections: readonly LotSelection[] = []): void {
    const n = this.#fillNo + 1;
    this.#validate(fill, n);
    this.#fillNo = n;
    this.#lastMs = fill.tsMs;
    const day = dayOf(fill.tsMs);
    const eps = epsOf(fill.qty);
    const closing: LotSide = fill.side === 'buy' ? 'short' : 'long';
    const losses: { disposal: number; openFillNo: number; holdingFromDay: number }[] = [];
    let remaining = fill.qty;
    const relieve = (lot: Lot, q: number): void => {
      const take = lot.qty - q <= eps ? lot.qty : q;
      const idx = this.#dispose(lot, take, fill, n, day);
      const d = this.#disposals[idx]!;
      if (lot.side === 'long' && d.gain < 0 && this.washSalesEnabled) losses.push({ disposal: idx, openFillNo: lot.openFillNo, holdingFromDay: lot.holdingFromDay });
      remaining -= take;
    };
    const lots = this.#lots.get(fill.symbol) ?? [];
    for (const [lotId, q] of this.#mergeSelections(selections, n)) {
      const lot = lots.find((l) => l.id === lotId && l.side === closing && l.qty > 0);
      if (lot === undefined) throw new InputError(`fill ${n} names lot ${lotId}, which is not an open ${closing} lot of ${fill.symbol}`);
      const qty = q ?? lot.qty;
      if (!(qty > 0) || qty > lot.qty + epsOf(lot.qty)) throw new InputError(`fill ${n} relieves ${qty} of lot ${lotId}, which holds ${lot.qty}`);
      if (qty > remaining + eps) throw new InputError(`fill ${n} names more shares (${qty} of lot ${lotId}) than it closes (${remaining} left of ${fill.qty})`);
      relieve(lot, Math.min(qty, lot.qty));
    }
    for (const lot of reliefOrder(lots.filter((l) => l.side === closing && l.qty > 0), this.method) as Lot[]) {
      if (remaining <= eps) break;
      relieve(lot, Math.min(lot.qty, remaining));
    }
    this.#lots.set(fill.symbol, lots.filter((l) => l.qty > 0));
    for (const loss of losses) this.#washAgainstHeld(loss.disposal, loss.openFillNo, loss.holdingFromDay, day);
    if (remaining > eps) {
      const side: LotSide = fill.side === 'buy' ? 'long' : 'short';
      const perShare = fill.commission / fill.qty;
      const lot: Lot = {
        id: `${fill.symbol}#${n}`, symbol: fill.symbol, side, openFillNo: n, acquiredMs: fill.tsMs, acquiredDay: day, holdingFromDay: day, qty: remaining,
        unitCost: side === 'long' ? fill.price + perShare : fill.price - perShare, washAdjustmentPerShare: 0, isReplacement: false, splitSeq: 0, splits: 0,
      };
      this.#lots.get(fill.symbol)!.push(lot);
      if (side === 'long') this.#washAgainstPending(lot, day);
    }
  }

  /** Open lots (of one symbol, or all, by symbol then acquisition). */
  openLots(symbol?: string): TaxLot[] {
    const symbols = symbol === undefined ? [...this.#lots.keys()].sort() : [symbol];
    return symbols.flatMap((s) => reliefOrder(this.#lots.get(s) ?? [], 'fifo').map((l) => snapshot(l as Lot)));
  }

  /** Every relief so far, in booking order. */
  disposals(): Disposal[] {
    return this.#disposals.map((d) => ({ ...d }));
  }

  /** Every wash-sale match so far, in booking order. */
  washSales(): WashSale[] {
    return [...this.#washes];
  }

  /** Loss shares not yet matched whose window is still open on `day` (a purchase up to windowEndDay would match them). */
  pendingWashes(day: number): PendingWash[] {
    return [...this.#pending.values()].flat()
      .filter((p) => p.saleDay + WASH_WINDOW_DAYS >= day)
      .map((p) => ({ saleFillNo: p.saleFillNo, symbol: p.symbol, soldLotId: p.soldLotId, qty: p.qty, lossPerShare: p.lossPerShare, windowEndDay: p.saleDay + WASH_WINDOW_DAYS }));
  }

  /** An independent copy (for what-if sales). */
  clone(): TaxLotLedger {
    const c = new TaxLotLedger({ method: this.method, washSales: this.washSalesEnabled });
    for (const [s, lots] of this.#lots) c.#lots.set(s, lots.map((l) => ({ ...l })));
    c.#disposals = this.#disposals.map((d) => ({ ...d }));
    c.#washes = [...this.#washes];
    for (const [s, ps] of this.#pending) c.#pending.set(s, ps.map((p) => ({ ...p })));
    c.#fillNo = this.#fillNo;
    c.#lastMs = this.#lastMs;
    return c;
  }

  #validate(f: TaxFill, n: number): void {
    const bad = (what: string): never => {
      throw new InputError(`fill ${n}: ${what}`);
    };
    if (typeof f.symbol !== 'string' || f.symbol === '') bad('symbol must be a non-empty string');
    if (f.side !== 'buy' && f.side !== 'sell') bad(`side must be buy or sell, got ${String(f.side)}`);
    if (!(Number.isFinite(f.qty) && f.qty > 0)) bad(`quantity must be positive, got ${f.qty}`);
    if (!(Number.isFinite(f.price) && f.price >= 0)) bad(`price must be >= 0, got ${f.price}`);
    if (!Number.isFinite(f.commission)) bad(`commission must be a finite number, got ${f.commission}`);
    if (!Number.isFinite(f.tsMs)) bad('time must be finite');
    if (f.tsMs < this.#lastMs) bad(`time ${new Date(f.tsMs).toISOString()} is earlier than the previous fill's ${new Date(this.#lastMs).toISOString()}`);
  }

  /** Selections summed per lot id, in first-named order. */
  #mergeSelections(selections: readonly LotSelection[], n: number): Map<string, number | undefined> {
    const out = new Map<string, number | undefined>();
    for (const s of selections) {
      if (s.qty !== undefined && !(Number.isFinite(s.qty) && s.qty > 0)) throw new InputError(`fill ${n}: the quantity named for lot ${s.lotId} must be positive, got ${s.qty}`);
      if (out.has(s.lotId)) {
        const prev = out.get(s.lotId);
        if (prev === undefined || s.qty === undefined) throw new InputError(`fill ${n} names lot ${s.lotId} twice, once for all of it`);
        out.set(s.lotId, prev + s.qty);
      } else out.set(s.lotId, s.qty);
    }
    return out;
  }

  #dispose(lot: Lot, q: number, fill: TaxFill, n: number, day: number): number {
    const commission = fill.commission * (q / fill.qty);
    const long = lot.side === 'long';
    const proceeds = long ? fill.price * q - commission : lot.unitCost * q;
    const costBasis = long ? q * (lot.unitCost + lot.washAdjustmentPerShare) : fill.price * q + commission;
    const gain = proceeds - costBasis;
    this.#disposals.push({
      fillNo: n, symbol: lot.symbol, lotId: lot.id, side: lot.side, qty: q, acquiredMs: lot.acquiredMs, holdingFromDay: lot.holdingFromDay, disposedMs: fill.tsMs,
      proceeds, costBasis, gain, washDisallowed: 0, reportedGain: gain,
      term: long && isLongTerm(lot.holdingFromDay, day) ? 'long' : 'short', deferredLossInBasis: long ? q * lot.washAdjustmentPerShare : 0,
    });
    lot.qty = q >= lot.qty ? 0 : lot.qty - q;
    return this.#disposals.length - 1;
  }

  /** Matches a loss disposal with replacement shares held now (acquired in the 30 days before); the rest waits for purchases in the 30 days after. */
  #washAgainstHeld(disposalIdx: number, soldOpenFillNo: number, soldHoldingFromDay: number, day: number): void {
    const d = this.#disposals[disposalIdx]!;
    const p: Pending = {
      disposal: disposalIdx, saleFillNo: d.fillNo, saleMs: d.disposedMs, soldLotId: d.lotId, symbol: d.symbol, lossPerShare: -d.gain / d.qty, qty: d.qty,
      eps: epsOf(d.qty), saleDay: day, heldDays: day - soldHoldingFromDay,
    };
    const candidates = (this.#lots.get(d.symbol) ?? []).filter((l) => l.side === 'long' && l.qty > 0 && !l.isReplacement && l.openFillNo !== soldOpenFillNo && l.acquiredDay >= day - WASH_WINDOW_DAYS);
    for (const c of reliefOrder(candidates, 'fifo') as Lot[]) {
      if (p.qty <= p.eps) break;
      this.#absorb(c, p);
    }
    if (p.qty > p.eps) {
      const list = this.#pending.get(d.symbol) ?? [];
      list.push(p);
      this.#pending.set(d.symbol, list);
    }
  }

  /** A new long lot absorbs pending losses of earlier sales whose window is still open, earliest sale first. */
  #washAgainstPending(lot: Lot, day: number): void {
    const list = (this.#pending.get(lot.symbol) ?? []).filter((p) => p.saleDay + WASH_WINDOW_DAYS >= day);
    for (const p of list) {
      if (lot.isReplacement || lot.qty <= 0) break;
      this.#absorb(lot, p);
    }
    this.#pending.set(lot.symbol, list.filter((p) => p.qty > p.eps));
  }

  /** Makes min(lot.qty, p.qty) shares of `lot` replacement shares of the pending loss `p`: split off (or whole lot), basis and holding period adjusted. */
  #absorb(lot: Lot, p: Pending): void {
    const lotEps = epsOf(lot.qty);
    const m = Math.min(lot.qty, p.qty);
    let target: Lot;
    if (m >= lot.qty - lotEps) target = lot;
    else {
      lot.splits += 1;
      lot.qty -= m;
      target = { ...lot, id: `${lot.id}.${lot.splits}`, qty: m, splitSeq: lot.splits, splits: 0 };
      this.#lots.get(lot.symbol)!.push(target);
    }
    const matched = target.qty;
    target.isReplacement = true;
    target.washAdjustmentPerShare = p.lossPerShare;
    target.holdingFromDay = target.acquiredDay - p.heldDays;
    const disallowed = matched * p.lossPerShare;
    const d = this.#disposals[p.disposal]!;
    d.washDisallowed += disallowed;
    d.reportedGain = d.gain + d.washDisallowed;
    p.qty = matched >= p.qty - p.eps ? 0 : p.qty - matched;
    this.#washes.push({
      saleFillNo: p.saleFillNo, symbol: p.symbol, soldLotId: p.soldLotId, saleMs: p.saleMs, qty: matched, disallowedLoss: disallowed,
      replacementLotId: target.id, replacementFillNo: target.openFillNo, replacementAcquiredMs: target.acquiredMs, holdingDaysCarried: p.heldDays,
    });
  }
}

export interface TaxLotOptions extends LedgerOptions {
  /** Under method `specific`: the lots each fill (by 1-based fill number) relieves first. */
  readonly selections?: ReadonlyMap<number, readonly LotSelection[]>;
}

/** Books `fills` in order and returns the ledger (disposals, wash sales, open lots). */
export function bookFills(fills: readonly TaxFill[], opts: TaxLotOptions = {}): TaxLotLedger {
  const method = opts.method ?? 'fifo';
  if (opts.selections !== undefined && opts.selections.size > 0 && method !== 'specific') throw new InputError(`lot selections need method "specific", got "${method}"`);
  for (const n of opts.selections?.keys() ?? []) {
    if (!(Number.isInteger(n) && n >= 1 && n <= fills.length)) throw new InputError(`lot selection for fill ${n}: there are fills 1..${fills.length}`);
  }
  const ledger = new TaxLotLedger(opts);
  fills.forEach((f, i) => ledger.apply(f, opts.selections?.get(i + 1)));
  return ledger;
}
