// Past backtests as the warehouse keeps them (`sextant backtest --save`, or a backtest job with `save`):
// the list, newest first, and a side-by-side comparison of two or more runs (params and every metric, with
// the best run per metric). Also the stored symbols (`sextant data list`). docs/warehouse.md.
import { z } from 'zod';
import { toIso } from '../../core/time.ts';
import { checkRunId } from '../../store/warehouse/index.ts';
import { NotFoundError } from '../app-errors.ts';
import { listStoredBars, runSql, type WarehouseOptions } from '../warehouse.ts';

export const PastRunSchema = z.object({
  runId: z.string(),
  /** ISO time the run was recorded. */
  recordedTime: z.string(),
  strategy: z.string(),
  data: z.array(z.string()),
  /** The run's settings (the report's `params`: strategy params, cash, commission, size, ...). */
  params: z.record(z.string(), z.unknown()),
  bars: z.number(),
  finalValue: z.number().nullable(),
  metrics: z.record(z.string(), z.number().nullable()),
});
export type PastRun = z.infer<typeof PastRunSchema>;

export const RunComparisonSchema = z.object({
  runs: z.array(PastRunSchema),
  /** Every metric any run has: its value per run (in `runs` order) and the run that did best (null when no order is defined). */
  metrics: z.array(z.object({ name: z.string(), values: z.array(z.number().nullable()), best: z.string().nullable() })),
  /** Settings that differ between the runs (strategy params flattened as `strategyParams.fast`). */
  differences: z.array(z.object({ name: z.string(), values: z.array(z.unknown()) })),
});
export type RunComparison = z.infer<typeof RunComparisonSchema>;

/** A stored run's equity curve, thinned to at most the points asked for (evenly by bar; the last point always kept). */
export const PastRunEquitySchema = z.object({
  runId: z.string(),
  /** Points in the stored curve, before thinning. */
  total: z.number().int(),
  points: z.array(z.object({ timeMs: z.number(), equity: z.number() })),
});
export type PastRunEquity = z.infer<typeof PastRunEquitySchema>;

export const StoredSymbolSchema = z.object({ symbol: z.string(), bars: z.number().int(), first: z.string(), last: z.string() });

/** Metrics where less is better; drawdowns are negative fractions, so larger (closer to 0) is better. */
const LOWER_IS_BETTER = new Set(['annualVolatility', 'maxDrawdownDurationBars', 'maxDrawdownDurationDays', 'avgGrossExposure', 'turnover']);
/** Metrics that describe the run rather than grade it. */
const NOT_GRADED = new Set(['tradeCount', 'years', 'periodsPerYear', 'riskFreeRate', 'exposure', 'startMs', 'endMs']);

const quote = (s: string): string => `'${s.replaceAll("'", "''")}'`;
const isoOf = (duck: unknown): string => {
  const t = String(duck);
  const ms = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(t) ? t.replace(' ', 'T') : `${t.replace(' ', 'T')}Z`);
  return Number.isNaN(ms) ? t : new Date(ms).toISOString();
};

function pastRunOf(row: Record<string, unknown>): PastRun {
  const metrics: Record<string, number | null> = {};
  for (const [k, v] of Object.entries((row.metrics ?? {}) as Record<string, unknown>)) if (typeof v === 'number' || v === null) metrics[k] = v;
  return {
    runId: String(row.run_id), recordedTime: isoOf(row.recorded_at), strategy: String(row.strategy), data: Array.isArray(row.data) ? row.data.map(String) : [],
    params: (row.params ?? {}) as Record<string, unknown>, bars: Number(row.bars), finalValue: typeof row.final_value === 'number' ? row.final_value : null, metrics,
  };
}

const COLUMNS = 'run_id, recorded_at, strategy, data, params, bars, final_value, metrics';

/** Stored runs, newest first. */
export async function listPastRuns(opts: WarehouseOptions & { limit?: number; strategy?: string } = {}): Promise<PastRun[]> {
  const where = opts.strategy === undefined ? '' : ` where strategy = ${quote(opts.strategy)}`;
  const r = await runSql(`select ${COLUMNS} from runs${where} order by recorded_at desc, run_id limit ${Math.max(1, Math.min(1000, Math.floor(opts.limit ?? 100)))}`, opts);
  return r.json.map(pastRunOf);
}

/** Two or more stored runs side by side; an unknown id is a 404 naming it. */
export async function comparePastRuns(ids: readonly string[], opts: WarehouseOptions = {}): Promise<RunComparison> {
  ids.forEach((id, i) => checkRunId(id, `ids.${i}`));
  const r = await runSql(`select ${COLUMNS} from runs where run_id in (${ids.map(quote).join(', ')})`, opts);
  const byId = new Map(r.json.map((row) => [String(row.run_id), pastRunOf(row)]));
  const runs = ids.map((id, i) => {
    const run = byId.get(id);
    if (run === undefined) throw new NotFoundError(`no stored run "${id}" in the warehouse`, { field: `ids.${i}` });
    return run;
  });
  const names = [...new Set(runs.flatMap((x) => Object.keys(x.metrics)))];
  const metrics = names.map((name) => {
    const values = runs.map((x) => x.metrics[name] ?? null);
    let best: string | null = null;
    if (!NOT_GRADED.has(name)) {
      let bestValue: number | null = null;
      values.forEach((v, i) => {
        if (v === null || !Number.isFinite(v)) return;
        if (bestValue === null || (LOWER_IS_BETTER.has(name) ? v < bestValue : v > bestValue)) {
          bestValue = v;
          best = runs[i]!.runId;
        }
      });
    }
    return { name, values, best };
  });
  const flat = runs.map((x) => flatten({ strategy: x.strategy, data: x.data.join(','), ...x.params }));
  const keys = [...new Set(flat.flatMap((f) => Object.keys(f)))];
  const differences = keys
    .map((name) => ({ name, values: flat.map((f) => f[name] ?? null) }))
    .filter((d) => new Set(d.values.map((v) => JSON.stringify(v))).size > 1);
  return { runs, metrics, differences };
}

/** The equity curve of a stored run (comparisons chart it), at most `points` points; an unknown id is a 404. */
export async function pastRunEquity(id: string, points: number, opts: WarehouseOptions = {}): Promise<PastRunEquity> {
  checkRunId(id, 'runId');
  const known = await runSql(`select count(*) as n from runs where run_id = ${quote(id)}`, opts);
  if (Number(known.json[0]?.n ?? 0) === 0) throw new NotFoundError(`no stored run "${id}" in the warehouse`, { field: 'runId' });
  const max = Math.max(2, Math.floor(points));
  // Every k-th point by time (k from the curve's length) and the last one, in one pass of the warehouse.
  const r = await runSql(`with e as (select epoch_ms("time") as t, equity, row_number() over (order by "time") - 1 as i, count(*) over () as n from equity where run_id = ${quote(id)})
    select t, equity, n from e where i % greatest(1, ceil(n / ${max - 1})::bigint) = 0 or i = n - 1 order by t`, opts);
  return {
    runId: id, total: r.json.length === 0 ? 0 : Number(r.json[0]!.n),
    points: r.json.map((row) => ({ timeMs: Number(row.t), equity: Number(row.equity) })),
  };
}

function flatten(o: Record<string, unknown>, prefix = ''): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) Object.assign(out, flatten(v as Record<string, unknown>, `${prefix}${k}.`));
    else out[`${prefix}${k}`] = v;
  }
  return out;
}

/** What the warehouse holds: symbol, bar count, first and last bar time (`sextant data list`). */
export async function listStoredSymbols(opts: WarehouseOptions = {}): Promise<z.infer<typeof StoredSymbolSchema>[]> {
  const list = await listStoredBars(opts);
  return list.map((s) => ({ symbol: s.symbol, bars: s.bars, first: toIso(s.firstMs), last: toIso(s.lastMs) }));
}
