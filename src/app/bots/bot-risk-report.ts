// VaR, CVaR, stress scenarios and limit usage of a bot's current book: the report `sextant risk` gives for a
// backtest file, here on the bot's stored equity curve and its positions now (valued at their last price,
// with the instruments' sectors and asset classes from the running node).
import { z } from 'zod';
import type { Store } from '../../store/store.ts';
import { riskReportOf, type RiskPosition, type RiskReport } from '../risk-report.ts';
import type { RiskConfig } from '../../risk/checks/index.ts';
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
  limits: z.object({ positions: z.array(LimitLineSchema), sectors: z.array(LimitLineSchema), grossLeverage: LimitLineSchema }),
  notes: z.array(z.string()),
});

export const BotRiskQuerySchema = z.strictObject({
  confidence: z.coerce.number().gt(0).lt(1).default(0.99),
  horizon: z.coerce.number().int().min(1).max(1000).default(1),
  simulations: z.coerce.number().int().min(100).max(100_000).default(10_000),
});

export async function botRiskReport(store: Store, bots: BotService, id: string, q: z.infer<typeof BotRiskQuerySchema>): Promise<RiskReport> {
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
  return riskReportOf(
    { file: `bot ${id}`, timeMs: Float64Array.from(rows, (r) => r.tsMs), equity: Float64Array.from(rows, (r) => r.equity), finalValue: last.equity, positions, prices: null },
    { confidence: q.confidence, horizon: q.horizon, simulations: q.simulations, limits: (view.config.risk as { checks?: RiskConfig } | undefined)?.checks },
  );
}
