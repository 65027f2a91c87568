// Tax-loss harvesting candidates: open long lots with an unrealized loss at least `minLoss` whose sale
// on the as-of day would not be a wash sale, found by booking the sale on a copy of the ledger.
import { InputError } from '../../core/errors.ts';
import { dayOf } from './holding.ts';
import { WASH_WINDOW_DAYS, type TaxLotLedger } from './ledger.ts';
import { lotBasis, type TaxLot, type Term } from './lots.ts';

export interface HarvestOptions {
  readonly asOfMs: number;
  /** Price per symbol on the as-of day. */
  readonly marks: ReadonlyMap<string, number>;
  /** Tax rates (fractions) applied to a short- and a long-term loss to estimate the saving. */
  readonly shortTermRate: number;
  readonly longTermRate: number;
  /** Smallest loss (currency, after the estimated sale commission) worth harvesting; default 0 (any loss). */
  readonly minLoss?: number;
  /** Estimated sale commission as a fraction of the sale value; default 0. */
  readonly commissionRate?: number;
}

export interface HarvestCandidate {
  readonly lotId: string;
  readonly symbol: string;
  readonly qty: number;
  readonly acquiredMs: number;
  readonly holdingFromDay: number;
  /** Term of the loss if sold on the as-of day. */
  readonly term: Term;
  readonly costBasis: number;
  readonly mark: number;
  /** mark x qty less the estimated commission. */
  readonly proceeds: number;
  /** Loss realized by the sale (positive). */
  readonly loss: number;
  readonly taxRate: number;
  /** loss x taxRate: the tax saved if the loss offsets gains taxed at that rate. */
  readonly estimatedTaxSavings: number;
  /** Buying the symbol on or before this day (within 30 days after the sale) would make the sale a wash sale. */
  readonly rebuyWashUntilDay: number;
}

export interface HarvestBlocked {
  readonly lotId: string;
  readonly symbol: string;
  readonly qty: number;
  /** Loss the sale would have before the wash-sale rule (positive). */
  readonly loss: number;
  /** Held lots acquired in the last 30 days that would be replacement shares. */
  readonly replacementLotIds: readonly string[];
  /** First day on which those replacement lots are more than 30 days old. */
  readonly clearFromDay: number;
}

export interface HarvestResult {
  readonly asOfDay: number;
  readonly candidates: readonly HarvestCandidate[];
  readonly blocked: readonly HarvestBlocked[];
  /** Symbols with open long lots but no mark. */
  readonly unmarked: readonly string[];
  readonly totalLoss: number;
  readonly totalEstimatedTaxSavings: number;
}

function checkRate(name: string, x: number): void {
  if (!(Number.isFinite(x) && x >= 0 && x <= 1)) throw new InputError(`${name} must be a fraction in [0, 1], got ${x}`);
}

/**
 * For each marked symbol: the set S of loss lots is sold together, on a copy of the ledger, at the mark
 * on the as-of day; lots whose loss would be (partly) disallowed leave S (they stay held and may block
 * others) and the sale is booked again until no loss in S is disallowed. S is the candidates; the lots
 * that left are `blocked`. Short lots are not harvested (see docs/tax-lots.md).
 */
export function harvestCandidates(ledger: TaxLotLedger, opts: HarvestOptions): HarvestResult {
  checkRate('short-term rate', opts.shortTermRate);
  checkRate('long-term rate', opts.longTermRate);
  const commissionRate = opts.commissionRate ?? 0;
  if (!(Number.isFinite(commissionRate) && commissionRate >= 0 && commissionRate < 1)) throw new InputError(`commission rate must be in [0, 1), got ${commissionRate}`);
  const minLoss = opts.minLoss ?? 0;
  if (!(Number.isFinite(minLoss) && minLoss >= 0)) throw new InputError(`minimum loss must be >= 0, got ${minLoss}`);
  if (!(opts.asOfMs >= ledger.lastFillMs)) throw new InputError(`harvesting as of ${new Date(opts.asOfMs).toISOString()} is before the last fill (${new Date(ledger.lastFillMs).toISOString()})`);
  const asOfDay = dayOf(opts.asOfMs);
  const candidates: HarvestCandidate[] = [];
  const blocked: HarvestBlocked[] = [];
  const unmarked: string[] = [];
  const open = ledger.openLots().filter((l) => l.side === 'long');
  for (const symbol of [...new Set(open.map((l) => l.symbol))]) {
    const mark = opts.marks.get(symbol);
    if (mark === undefined) {
      unmarked.push(symbol);
      continue;
    }
    if (!(Number.isFinite(mark) && mark >= 0)) throw new InputError(`mark of ${symbol} must be a price >= 0, got ${mark}`);
    const lots = open.filter((l) => l.symbol === symbol);
    const lossOf = (l: TaxLot): number => lotBasis(l) - l.qty * mark * (1 - commissionRate);
    let set = lots.filter((l) => lossOf(l) > 0 && lossOf(l) >= minLoss);
    while (set.length > 0) {
      const sim = ledger.clone();
      const qty = set.reduce((s, l) => s + l.qty, 0);
      sim.apply({ tsMs: opts.asOfMs, symbol, side: 'sell', price: mark, qty, commission: qty * mark * commissionRate }, set.map((l) => ({ lotId: l.id, qty: l.qty })));
      const fillNo = sim.fillCount;
      const sold = sim.disposals().filter((d) => d.fillNo === fillNo);
      const washed = new Set(sold.filter((d) => d.washDisallowed > 1e-9 * Math.max(1, Math.abs(d.gain))).map((d) => d.lotId));
      if (washed.size === 0) {
        for (const d of sold) {
          const lot = set.find((l) => l.id === d.lotId)!;
          const taxRate = d.term === 'long' ? opts.longTermRate : opts.shortTermRate;
          candidates.push({
            lotId: d.lotId, symbol, qty: d.qty, acquiredMs: d.acquiredMs, holdingFromDay: lot.holdingFromDay, term: d.term, costBasis: d.costBasis, mark,
            proceeds: d.proceeds, loss: -d.reportedGain, taxRate, estimatedTaxSavings: -d.reportedGain * taxRate, rebuyWashUntilDay: asOfDay + WASH_WINDOW_DAYS,
          });
        }
        break;
      }
      const washes = sim.washSales().filter((w) => w.saleFillNo === fillNo);
      for (const lot of set.filter((l) => washed.has(l.id))) {
        // the copy may split a held lot; name the held lot (<symbol>#<fill>) the replacement shares come from
        const replacementLotIds = [...new Set(washes.filter((w) => w.soldLotId === lot.id).map((w) => `${symbol}#${w.replacementFillNo}`))];
        const lastAcquired = Math.max(...washes.filter((w) => w.soldLotId === lot.id).map((w) => dayOf(w.replacementAcquiredMs)));
        blocked.push({ lotId: lot.id, symbol, qty: lot.qty, loss: lossOf(lot), replacementLotIds, clearFromDay: lastAcquired + WASH_WINDOW_DAYS + 1 });
      }
      set = set.filter((l) => !washed.has(l.id));
    }
  }
  const totalLoss = candidates.reduce((s, c) => s + c.loss, 0);
  const totalEstimatedTaxSavings = candidates.reduce((s, c) => s + c.estimatedTaxSavings, 0);
  return { asOfDay, candidates, blocked, unmarked, totalLoss, totalEstimatedTaxSavings };
}
