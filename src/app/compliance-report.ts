// `sextant report compliance`: the daily compliance report of a stored run (docs/compliance.md). Every
// violation (an order the pre-trade checks denied: its stored order row, status `denied`, with the reason
// `<code>: <text>`) and every near miss (a `compliance-near-miss` risk event: an order that passed using at
// least nearMissPct of a limit) of one business day, with totals per code; as a table, JSON and CSV.
import { join } from 'node:path';
import { ConfigError } from '../core/errors.ts';
import { toIso } from '../core/time.ts';
import { complianceRule, reasonCode } from '../risk/checks/codes.ts';
import { NEAR_MISS_KIND, parseNearMiss } from '../risk/checks/near-miss.ts';
import { openStore } from '../store/open.ts';
import type { OrderRecord, RiskEventRecord, Store } from '../store/store.ts';
import { DEFAULT_STATE_DIR } from './state-dir.ts';
import { toCsv } from './reports/csv-table.ts';
import { checkDay, dayIn } from './reports/days.ts';
import { allOrders } from './reports/run-records.ts';

export interface ComplianceReportRequest {
  readonly runId: string;
  /** The business day, YYYY-MM-DD (default: the day of the run's last order or near miss). */
  readonly date?: string;
  /** IANA time zone the business day is taken in (default UTC). */
  readonly timeZone?: string;
  readonly stateDir?: string;
}

export interface ComplianceViolation {
  readonly time: string;
  readonly orderId: string;
  readonly strategyId: string;
  readonly symbol: string;
  readonly side: 'buy' | 'sell';
  readonly qty: number;
  readonly type: string;
  readonly limitPrice: number | null;
  /** The denying check's name (docs/compliance.md lists them). */
  readonly code: string;
  /** The compliance rule of the code, or null for other denials (kill switch, allocation, circuit breaker...). */
  readonly rule: string | null;
  /** The whole denial reason, `<code>: <text>`. */
  readonly reason: string;
}

export interface ComplianceNearMiss {
  readonly time: string;
  readonly orderId: string;
  /** The order's strategy (null when the order row is not in the store). */
  readonly strategyId: string | null;
  readonly symbol: string;
  readonly side: 'buy' | 'sell';
  readonly qty: number;
  readonly code: string;
  readonly rule: string | null;
  /** Share of the limit the order used, in percent. */
  readonly usagePct: number;
  readonly text: string;
}

export interface ComplianceTotal {
  readonly code: string;
  readonly rule: string | null;
  readonly violations: number;
  readonly nearMisses: number;
}

export interface ComplianceReport {
  readonly runId: string;
  readonly date: string;
  readonly timeZone: string;
  readonly violations: readonly ComplianceViolation[];
  readonly nearMisses: readonly ComplianceNearMiss[];
  /** One line per code that occurred, by code. */
  readonly totals: readonly ComplianceTotal[];
}

export interface ComplianceInput {
  readonly runId: string;
  /** Every order of the run (any order). */
  readonly orders: readonly OrderRecord[];
  /** The run's risk events (any kind; near misses are picked out). */
  readonly riskEvents: readonly RiskEventRecord[];
  /** null: the day of the latest violation or near miss, else of `fallbackMs`. */
  readonly date: string | null;
  readonly timeZone: string;
  /** The day when the run has neither (its last event, or now). */
  readonly fallbackMs: number;
}

/** The report of one day from a run's orders and risk events. */
export function buildComplianceReport(input: ComplianceInput): ComplianceReport {
  const day = dayIn(input.timeZone);
  const denied = input.orders.filter((o) => o.status === 'denied');
  const near = input.riskEvents.filter((e) => e.kind === NEAR_MISS_KIND);
  let date = input.date === null ? null : checkDay(input.date, '--date');
  if (date === null) {
    let latest = -Infinity;
    for (const o of denied) latest = Math.max(latest, o.createdMs);
    for (const e of near) latest = Math.max(latest, e.tsMs);
    date = day(Number.isFinite(latest) ? latest : input.fallbackMs);
  }
  const strategyOf = new Map(input.orders.map((o) => [o.clientOrderId, o.strategyId]));
  const violations: ComplianceViolation[] = denied
    .filter((o) => day(o.createdMs) === date)
    .sort((a, b) => a.createdMs - b.createdMs || a.clientOrderId.localeCompare(b.clientOrderId, 'en', { numeric: true }))
    .map((o) => {
      const code = reasonCode(o.reason);
      return {
        time: toIso(o.createdMs), orderId: o.clientOrderId, strategyId: o.strategyId, symbol: o.symbol, side: o.side, qty: o.qty, type: o.type,
        limitPrice: o.limitPrice, code, rule: complianceRule(code), reason: o.reason,
      };
    });
  const nearMisses: ComplianceNearMiss[] = [];
  for (const e of near) {
    if (day(e.tsMs) !== date) continue;
    const p = parseNearMiss(e.reason);
    if (p === null) continue;
    nearMisses.push({
      time: toIso(e.tsMs), orderId: p.orderId, strategyId: strategyOf.get(p.orderId) ?? null, symbol: p.symbol, side: p.side, qty: p.qty,
      code: p.code, rule: complianceRule(p.code), usagePct: p.usagePct, text: p.text,
    });
  }
  nearMisses.sort((a, b) => a.time.localeCompare(b.time));
  const totals = new Map<string, { violations: number; nearMisses: number }>();
  const count = (code: string, k: 'violations' | 'nearMisses'): void => {
    const t = totals.get(code) ?? { violations: 0, nearMisses: 0 };
    t[k]++;
    totals.set(code, t);
  };
  for (const v of violations) count(v.code, 'violations');
  for (const n of nearMisses) count(n.code, 'nearMisses');
  return {
    runId: input.runId, date, timeZone: input.timeZone, violations, nearMisses,
    totals: [...totals].sort(([a], [b]) => a.localeCompare(b)).map(([code, t]) => ({ code, rule: complianceRule(code), ...t })),
  };
}

export async function readComplianceReport(store: Store, req: Omit<ComplianceReportRequest, 'stateDir'>): Promise<ComplianceReport> {
  if ((await store.getRun(req.runId)) === null) {
    const known = (await store.listRuns()).map((r) => r.id);
    throw new ConfigError(`no run "${req.runId}" in ${store.location}; ${known.length === 0 ? 'it holds no run' : `runs: ${known.join(', ')}`}`, { field: '--run' });
  }
  const [orders, riskEvents, last] = await Promise.all([allOrders(store, req.runId), store.loadRiskEvents(req.runId), store.lastEventTime(req.runId)]);
  return buildComplianceReport({ runId: req.runId, orders, riskEvents, date: req.date ?? null, timeZone: req.timeZone ?? 'UTC', fallbackMs: last ?? Date.now() });
}

/** Opens the store of `stateDir` (or DATABASE_URL), reads the report and closes the store. */
export async function complianceReport(req: ComplianceReportRequest): Promise<ComplianceReport> {
  // Bad input fails before the store opens.
  if (req.date !== undefined) checkDay(req.date, '--date');
  dayIn(req.timeZone ?? 'UTC');
  const store = await openStore({ dir: join(req.stateDir ?? DEFAULT_STATE_DIR, 'db'), mustExist: true, existingField: '--state-dir' });
  try {
    return await readComplianceReport(store, req);
  } finally {
    await store.close();
  }
}

export const COMPLIANCE_CSV_COLUMNS = ['kind', 'time', 'orderId', 'strategyId', 'symbol', 'side', 'qty', 'code', 'rule', 'usagePct', 'reason'] as const;

/** Violations then near misses, one CSV row each (RFC 4180, CRLF); a near miss's reason is its `<code>: <text>`. */
export function complianceCsv(r: ComplianceReport): string {
  const rows: (string | number | null)[][] = [
    ...r.violations.map((v) => ['violation', v.time, v.orderId, v.strategyId, v.symbol, v.side, v.qty, v.code, v.rule, null, v.reason]),
    ...r.nearMisses.map((n) => ['near-miss', n.time, n.orderId, n.strategyId, n.symbol, n.side, n.qty, n.code, n.rule, n.usagePct, `${n.code}: ${n.text}`]),
  ];
  return toCsv(COMPLIANCE_CSV_COLUMNS, rows);
}
