// SEC Form 13F information table (docs/compliance.md, "Form 13F information table"): the long positions of one
// or more runs at the end of a quarter's last day, valued at the last close on or before that day, one
// <infoTable> per CUSIP (and put/call, share type, investment discretion), as the XML the EDGAR schema
// `eis_13F_InfoTable` describes. Values are whole dollars (the unit since January 2023), rounded to the nearest
// dollar. Short positions are not 13F holdings and are listed as excluded, never netted against longs.
import { ConfigError } from '../../core/errors.ts';
import { MS_PER_DAY, toIso } from '../../core/time.ts';
import type { BarSeries } from '../../model/bar.ts';
import { foldFills } from '../../store/positions.ts';
import type { Form13fDto, Form13fEntryDto } from '../dto/reports.ts';
import type { InstrumentReference, ReferenceEntry } from './reference.ts';
import type { RunRecords } from './run-records.ts';

export const INFO_TABLE_NS = 'http://www.sec.gov/edgar/document/thirteenf/informationtable';

/** The last day of a quarter given as `2024Q4` (case-insensitive). */
export function quarterEnd(quarter: string): string {
  const m = /^(\d{4})[Qq]([1-4])$/.exec(quarter.trim());
  if (m === null) throw new ConfigError(`expected a quarter such as 2024Q4, got "${quarter}"`, { field: '--quarter' });
  const year = Number(m[1]);
  const q = Number(m[2]);
  return `${year}-${['03-31', '06-30', '09-30', '12-31'][q - 1]}`;
}

/**
 * Rounds to the nearest whole number, halves up, after dropping the binary noise of the products and sums
 * (15 significant digits: 130 × 10.2550 is 1333.1499999999999 in binary, 1333.15 here).
 */
export function nearestWhole(x: number): number {
  return Math.round(Number(x.toPrecision(15)));
}

export interface Form13fInput {
  readonly runs: readonly RunRecords[];
  readonly reference: InstrumentReference;
  /** The quarter's last day, YYYY-MM-DD; positions and prices are taken at the end of it (UTC). */
  readonly periodOfReport: string;
  /** Bars that price the positions (and options' underlyings). */
  readonly series: readonly BarSeries[];
}

interface Holding {
  readonly symbol: string;
  readonly quantity: number;
  readonly shares: number;
  readonly price: number;
  readonly priceMs: number;
  readonly marketValue: number;
  readonly ref: ReferenceEntry;
}

export function buildForm13f(input: Form13fInput): Form13fDto {
  const endMs = Date.parse(`${input.periodOfReport}T00:00:00Z`) + MS_PER_DAY;
  const bySymbol = new Map(input.series.map((s) => [s.symbol, s]));
  /** The last close at or before the end of the day, and its bar time. */
  const closeOf = (symbol: string, heldBy: string): { price: number; ms: number } => {
    const s = bySymbol.get(symbol);
    const i = s === undefined ? -1 : s.lowerBound(endMs) - 1;
    if (s === undefined || i < 0) {
      const why = s === undefined ? `no bars of ${symbol}` : `no bar of ${symbol} on or before ${input.periodOfReport}`;
      throw new ConfigError(`${why} to value ${heldBy === symbol ? 'the position' : `the option ${heldBy}`}: give its history with --data`, { field: '--data' });
    }
    return { price: s.close[i]!, ms: s.time[i]! };
  };
  const long = new Map<string, number>();
  const short = new Map<string, number>();
  for (const r of input.runs) {
    const fills = r.fills.filter((f) => f.tsMs < endMs);
    for (const p of foldFills(r.run.id, fills, (s) => r.multipliers.get(s) ?? 1)) {
      if (p.qty > 0) long.set(p.symbol, (long.get(p.symbol) ?? 0) + p.qty);
      else if (p.qty < 0) short.set(p.symbol, (short.get(p.symbol) ?? 0) + p.qty);
    }
  }
  const multiplierOf = (symbol: string): number => {
    for (const r of input.runs) {
      const m = r.multipliers.get(symbol);
      if (m !== undefined) return m;
    }
    return 1;
  };
  const excluded: Form13fDto['excluded'] = [];
  const holdings: Holding[] = [];
  for (const [symbol, quantity] of [...long].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const ref = input.reference.entries.get(symbol);
    if (ref === undefined) {
      excluded.push({ symbol, quantity, reason: `not in the reference file ${input.reference.file} (not reported as a 13(f) security)` });
      continue;
    }
    const m = multiplierOf(symbol);
    if (ref.putCall !== null) {
      // An option: the shares underlying it, valued at the underlying's price (SEC 13F instructions).
      const { price, ms } = closeOf(ref.underlying!, symbol);
      const shares = quantity * m;
      holdings.push({ symbol, quantity, shares, price, priceMs: ms, marketValue: shares * price, ref });
    } else {
      const { price, ms } = closeOf(symbol, symbol);
      holdings.push({ symbol, quantity, shares: quantity, price, priceMs: ms, marketValue: quantity * price * m, ref });
    }
  }
  for (const [symbol, quantity] of [...short].sort(([a], [b]) => (a < b ? -1 : 1))) {
    excluded.push({ symbol, quantity, reason: 'short position: Form 13F reports long positions only (shorts are not netted against longs)' });
  }
  const groups = new Map<string, Holding[]>();
  for (const h of holdings) {
    const key = [h.ref.cusip, h.ref.putCall ?? '', h.ref.sshPrnamtType, h.ref.investmentDiscretion].join('|');
    groups.set(key, [...(groups.get(key) ?? []), h]);
  }
  const entries: Form13fEntryDto[] = [...groups.values()].map((hs) => {
    const first = hs[0]!.ref;
    const voting = { Sole: 0, Shared: 0, None: 0 };
    for (const h of hs) voting[h.ref.votingAuthority] += h.shares;
    const votingAuthority = { Sole: nearestWhole(voting.Sole), Shared: nearestWhole(voting.Shared), None: nearestWhole(voting.None) };
    return {
      nameOfIssuer: first.nameOfIssuer, titleOfClass: first.titleOfClass, cusip: first.cusip, figi: first.figi,
      value: nearestWhole(hs.reduce((s, h) => s + h.marketValue, 0)),
      sshPrnamt: votingAuthority.Sole + votingAuthority.Shared + votingAuthority.None,
      sshPrnamtType: first.sshPrnamtType, putCall: first.putCall, investmentDiscretion: first.investmentDiscretion, votingAuthority,
      holdings: hs.map((h) => ({ symbol: h.symbol, quantity: h.quantity, price: h.price, priceTime: toIso(h.priceMs), marketValue: h.marketValue })),
    };
  });
  entries.sort((a, b) => a.nameOfIssuer.localeCompare(b.nameOfIssuer, 'en') || a.titleOfClass.localeCompare(b.titleOfClass, 'en') || (a.putCall ?? '').localeCompare(b.putCall ?? '', 'en'));
  return {
    report: '13f', periodOfReport: input.periodOfReport, runs: input.runs.map((r) => r.run.id), reference: input.reference.file, entries,
    tableValueTotal: entries.reduce((s, e) => s + e.value, 0), excluded,
  };
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };
const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

/** The information table document: elements in the schema's order, optional ones only when present. */
export function informationTableXml(report: Form13fDto): string {
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>', `<informationTable xmlns="${INFO_TABLE_NS}">`];
  for (const e of report.entries) {
    lines.push(
      '  <infoTable>',
      `    <nameOfIssuer>${esc(e.nameOfIssuer)}</nameOfIssuer>`,
      `    <titleOfClass>${esc(e.titleOfClass)}</titleOfClass>`,
      `    <cusip>${esc(e.cusip)}</cusip>`,
      ...(e.figi === null ? [] : [`    <figi>${esc(e.figi)}</figi>`]),
      `    <value>${e.value}</value>`,
      '    <shrsOrPrnAmt>',
      `      <sshPrnamt>${e.sshPrnamt}</sshPrnamt>`,
      `      <sshPrnamtType>${e.sshPrnamtType}</sshPrnamtType>`,
      '    </shrsOrPrnAmt>',
      ...(e.putCall === null ? [] : [`    <putCall>${e.putCall}</putCall>`]),
      `    <investmentDiscretion>${e.investmentDiscretion}</investmentDiscretion>`,
      '    <votingAuthority>',
      `      <Sole>${e.votingAuthority.Sole}</Sole>`,
      `      <Shared>${e.votingAuthority.Shared}</Shared>`,
      `      <None>${e.votingAuthority.None}</None>`,
      '    </votingAuthority>',
      '  </infoTable>',
    );
  }
  lines.push('</informationTable>');
  return `${lines.join('\n')}\n`;
}
