// VaR, CVaR, stress scenarios and limit usage of a bot's current book: the report `sextant risk` gives for a
// backtest file, here on the bot's stored equity curve and its positions now (valued at their last price,
// with the instruments' sectors and asset classes from the running node). A running bot adds the usage of
// the limits that only it can measure: working orders against maxOpenOrders, and its equity breakers' own
// view (loss from the day's start, fall from the peak) against their thresholds.
import { z } from 'zod';
import type { Store } from '../../store/store.ts';
import { riskReportOf, type LimitLine, type RiskPosition, type RiskReport } from '../risk-report.ts';
import { parseRiskConfig, type RiskConfig } from '../../risk/checks/index.ts';
import { DailyLossBreaker, DrawdownBreaker, type CircuitBreaker } from '../../risk/breakers/index.ts';
import type { BotService } from './bot-service.ts';
import { InputError } from '../../core/errors.ts';

const VarLineSchema = z.object({
  method: z.string(), confidence: z.number(), var: z.number(), cvar: z.number(), samples: z.number(), horizonPeriods: z.number(), varPct: z.number(), cvarPct: z.number(),
});
const LimitLineSchema = z.object({ name: z.string(), value: z.number(), max: z.number().nullable(), usage: z.number().nullable(), breached: z.boolean() });
export const BotRiskReportSchema = z.object({
  run: z.string(),
  asOf: z.string(),
  equity: z.number(),
  confidence: z.number(),
  horizonBars: z.number(),
  basis: z.enum(['positions', 'equity-curve']),
  returns: z.object({ observations: z.number(), from: z.string(), to: z.string() }),
  positions: z.array(z.object({ symbol: z.string(), qty: z.number(), lastPrice: z.number(), value: z.number(), sector: z.string(), assetClass: z.string() })),
  grossExposure: z.number(),
  netExposure: z.number(),
  var: z.object({ historical: VarLineSchema, parametric: VarLineSchema, monteCarlo: VarLineSchema }),
  stress: z.array(z.object({ scenario: z.string(), name: z.string(), pnl: z.number(), pnlPctOfEquity: z.number(), positions: z.array(z.object({ symbol: z.string(), shock: z.number(), source: z.string(), pnl: z.number() })) })),
  limits: z.object({
    positions: z.array(LimitLineSchema), sectors: z.array(LimitLineSchema), grossLeverage: LimitLineSchema,
    /** Working orders against maxOpenOrders (running bots; null when stopped). */
    openOrders: LimitLineSchema.nullable(),
    /** The equity breakers of a running bot: loss from the day's start and fall from the peak, % (empty when stopped). */
    breakers: z.array(LimitLineSchema),
  }),
  notes: z.array(z.string()),
});

export const BotRiskQuerySchema = z.strictObject({
  confidence: z.coerce.number().gt(0).lt(1).default(0.99),
  horizon: z.coerce.number().int().min(1).max(1000).default(1),
  simulations: z.coerce.number().int().min(100).max(100_000).default(10_000),
});

export type BotRiskReport = z.infer<typeof BotRiskReportSchema>;

function limitLine(name: string, value: number, max: number | null): LimitLine {
  return { name, value, max, usage: max === null ? null : value / max, breached: max !== null && value > max + 1e-12 };
}

/** What the equity breakers see now, in percent: the loss from the day's starting equity, the fall from the peak. */
export function equityBreakerLines(breakers: readonly CircuitBreaker[], equity: number): LimitLine[] {
  const lines: LimitLine[] = [];
  for (const b of breakers) {
    if (b instanceof DailyLossBreaker && b.startEquity > 0) lines.push(limitLine(b.name, Math.max(0, ((b.startEquity - equity) / b.startEquity) * 100), b.maxLossPct));
    else if (b instanceof DrawdownBreaker && b.peakEquity > 0) lines.push(limitLine(b.name, Math.max(0, ((b.peakEquity - equity) / b.peakEquity) * 100), b.maxDrawdownPct));
  }
  return lines;
}

export async function botRiskReport(store: Store, bots: BotService, id: string, q: z.infer<typeof BotRiskQuerySchema>): Promise<BotRiskReport> {
  const view = bots.get(id);
  const session = bots.sessionOrNull(id);
  if (session !== null) await store.flush();
  const rows = (await store.getRun(id)) === null ? [] : await store.loadEquity(id);
  if (rows.length < 3) throw new InputError(`bot "${id}" has ${rows.length} equity points; VaR needs at least 3 (let it run longer)`, { field: 'id' });
  const positions: RiskPosition[] = [];
  if (session !== null) {
    const k = session.node.kernel;
    for (const p of session.control.positions()) {
      const inst = k.feedOf(p.symbol)?.instrument;
      const last = p.lastPrice ?? p.avgPrice;
      positions.push({ symbol: p.symbol, qty: p.qty, lastPrice: last, value: p.qty * last * (inst?.multiplier ?? 1), sector: inst?.sector ?? 'unknown', assetClass: inst?.assetClass ?? 'equity' });
    }
  } else {
    for (const p of await store.loadPositions(id)) if (p.qty !== 0) positions.push({ symbol: p.symbol, qty: p.qty, lastPrice: p.avgPrice, value: p.qty * p.avgPrice, sector: 'unknown', assetClass: 'equity' });
  }
  const last = rows.at(-1)!;
  const checks = (view.config.risk as { checks?: RiskConfig } | undefined)?.checks;
  const report: RiskReport = riskReportOf(
    { file: `bot ${id}`, timeMs: Float64Array.from(rows, (r) => r.tsMs), equity: Float64Array.from(rows, (r) => r.equity), finalValue: last.equity, positions, prices: null },
    { confidence: q.confidence, horizon: q.horizon, simulations: q.simulations, limits: checks },
  );
  if (session === null) return { ...report, limits: { ...report.limits, openOrders: null, breakers: [] } };
  const k = session.node.kernel;
  return {
    ...report,
    limits: {
      ...report.limits,
      openOrders: limitLine('open orders', session.control.orders().length, parseRiskConfig(checks ?? {}).maxOpenOrders),
      breakers: equityBreakerLines(k.breakerSet?.breakers ?? [], k.portfolio.equity()),
    },
  };
}
