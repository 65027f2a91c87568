// `sextant tax --run run.json [--method fifo|lifo|hifo|specific] [--select <fill>=<lot>[@qty],...]
//   [--marks run.json] [--as-of YYYY-MM-DD] [--short-rate 0.37] [--long-rate 0.2] [--min-loss 0]
//   [--no-wash-sales] [--json out.json]`: realized gains by term, wash sales, open lots, harvesting.
import { runTax, type TaxReport } from '../app/tax.ts';
import { bool, num, str, strs, type CommandIO, type ParsedArgs } from './args.ts';
import { withFlags } from './field-flags.ts';
import { jsonOnStdout, writeJsonFlag } from './output.ts';
import { invoke } from './program.ts';
import { fmtNum, fmtPct, renderTable } from './table.ts';

const MAX_ROWS = 30;

function clipped<T>(rows: readonly T[], what: string, out: (s: string) => void, render: (rows: readonly T[]) => string): void {
  out(render(rows.slice(0, MAX_ROWS)));
  if (rows.length > MAX_ROWS) out(`... ${rows.length - MAX_ROWS} more ${what} (see --json)`);
}

export function renderTaxReport(r: TaxReport, out: (s: string) => void): void {
  const m = (x: number | null): string => fmtNum(x, 2);
  const s = r.summary;
  out(`Tax lots of ${r.run}: ${r.fills} fills, method ${r.method}, wash-sale rule ${r.washSaleRule ? 'on' : 'off'}, as of ${r.asOf.slice(0, 10)}`);
  out(`Realized: short-term ${m(s.shortTermGain)}, long-term ${m(s.longTermGain)}, total ${m(s.totalGain)} (${s.disposals} lot reliefs; proceeds ${m(s.proceeds)}, basis ${m(s.costBasis)})`);
  out(`Wash sales: ${r.washSales.length} matches, ${m(s.washSaleDisallowed)} of losses disallowed, ${m(s.deferredLossInOpenLots)} still deferred in open lots`);
  if (r.bySymbol.length > 0) {
    out('');
    clipped(r.bySymbol, 'symbols', out, (rows) => renderTable(['Symbol', 'Short-term', 'Long-term', 'Disallowed', 'Deferred'], rows.map((b) => [b.symbol, m(b.shortTermGain), m(b.longTermGain), m(b.washSaleDisallowed), m(b.deferredLossInOpenLots)])));
  }
  if (r.washSales.length > 0) {
    out('\nWash-sale adjustments');
    clipped(r.washSales, 'wash sales', out, (rows) => renderTable(['Sale', 'Symbol', 'Sold lot', 'Qty', 'Disallowed', 'Replacement', 'Days carried'], rows.map((w) => [w.saleTime.slice(0, 10), w.symbol, w.soldLotId, String(w.qty), m(w.disallowedLoss), w.replacementLotId, String(w.holdingDaysCarried)])));
  }
  out('\nOpen lots');
  if (r.openLots.length === 0) out('none');
  else clipped(r.openLots, 'lots', out, (rows) => renderTable(['Lot', 'Side', 'Qty', 'Acquired', 'Holding from', 'Basis', 'Wash adj', 'Mark', 'Unrealized', 'Term'], rows.map((l) => [l.id, l.side, String(l.qty), l.acquired.slice(0, 10), l.holdingFrom, m(l.costBasis), m(l.washAdjustment), m(l.mark), m(l.unrealizedGain), l.termAsOf])));
  const h = r.harvesting;
  out(`\nHarvesting candidates as of ${h.asOf} (short-term rate ${fmtPct(h.shortTermRate, 1)}, long-term ${fmtPct(h.longTermRate, 1)}, min loss ${m(h.minLoss)})`);
  if (h.candidates.length === 0) out('none');
  else {
    clipped(h.candidates, 'candidates', out, (rows) => renderTable(['Lot', 'Symbol', 'Qty', 'Term', 'Loss', 'Rate', 'Est. saving'], rows.map((c) => [c.lotId, c.symbol, String(c.qty), c.term, m(c.loss), fmtPct(c.taxRate, 1), m(c.estimatedTaxSavings)])));
    out(`Total: loss ${m(h.totalLoss)}, estimated tax saving ${m(h.totalEstimatedTaxSavings)}. Buying a harvested symbol back on or before ${h.candidates[0]!.rebuyWashUntil} would make its sale a wash sale.`);
  }
  for (const b of h.blocked) out(`not harvestable now: ${b.lotId} (loss ${m(b.loss)}) would be a wash sale with ${b.replacementLotIds.join(', ')}; clear from ${b.clearFrom}`);
  for (const w of r.warnings) out(`warning: ${w}`);
}

/** The request fields of `runTax` and their flags. */
const FLAGS = {
  run: '--run', marks: '--marks', method: '--method', selections: '--select', asOf: '--as-of', shortTermRate: '--short-rate', longTermRate: '--long-rate', minLoss: '--min-loss',
};

export function run(a: ParsedArgs, io: CommandIO): Promise<number> {
  const report = withFlags(FLAGS, () => runTax({
    run: str(a, 'run')!, method: str(a, 'method'), selections: strs(a, 'select'), marks: str(a, 'marks'), asOf: str(a, 'as-of'),
    shortTermRate: num(a, 'short-rate'), longTermRate: num(a, 'long-rate'), minLoss: num(a, 'min-loss'), washSales: !bool(a, 'no-wash-sales'),
  }));
  writeJsonFlag(a, report, io);
  if (!jsonOnStdout(a)) renderTaxReport(report, io.out);
  return Promise.resolve(0);
}

/** `sextant tax <argv>` in-process (tests, scripts). */
export function taxCommand(argv: readonly string[], out: (s: string) => void, err?: (s: string) => void): Promise<number> {
  return invoke(['tax'], argv, () => run, out, err);
}
