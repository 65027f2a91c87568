// `sextant montecarlo`: Monte Carlo of a saved `backtest --json` run, read through the RunReport schema.
import { z } from 'zod';
import { monteCarloOfRun, type MonteCarloReport, type MonteCarloRunOptions } from '../research/montecarlo.ts';
import type { BacktestRunData } from '../research/montecarlo-input.ts';
import { JsonFile, RunParamsSchema, RunReportSchema, TradeSchema, parseIsoTime } from './dto/index.ts';

const BACKTEST_JSON = 'the output of `sextant backtest --json`';

/** The parts of a RunReport that Monte Carlo resamples; `params` and `finalValue` may be absent. */
const MonteCarloRunSchema = RunReportSchema.pick({ equity: true }).extend({
  trades: z.array(TradeSchema.pick({ exitTime: true, pnl: true })),
  params: RunParamsSchema.pick({ cash: true }).partial().optional(),
  finalValue: RunReportSchema.shape.finalValue.optional(),
});

/** Validates a parsed backtest run: errors name the file and the field (e.g. `equity[12].equity`). */
export function parseBacktestRun(doc: JsonFile): BacktestRunData {
  const run = doc.parse(MonteCarloRunSchema);
  const n = run.equity.length;
  if (n === 0) doc.fail(['equity'], 'is empty');
  const timeMs = new Float64Array(n);
  const equity = new Float64Array(n);
  run.equity.forEach((p, i) => {
    timeMs[i] = parseIsoTime(p.time)!;
    if (i > 0 && timeMs[i]! < timeMs[i - 1]!) doc.fail(['equity', i, 'time'], 'times must be ascending');
    if (!(p.equity > 0)) doc.fail(['equity', i, 'equity'], `equity must be positive to form returns, got ${p.equity} (the run was ruined here)`);
    equity[i] = p.equity;
  });
  const cash = run.params?.cash;
  if (cash !== undefined && !(cash > 0)) doc.fail(['params', 'cash'], `must be positive, got ${cash}`);
  return {
    file: doc.file,
    startEquity: cash ?? equity[0]!,
    timeMs,
    equity,
    trades: run.trades.map((t) => ({ exitTimeMs: parseIsoTime(t.exitTime)!, pnl: t.pnl })),
    finalValue: run.finalValue ?? null,
  };
}

/** Reads and validates a backtest JSON file (`path` is the request's `run` field). */
export function readBacktestRun(path: string): BacktestRunData {
  return parseBacktestRun(JsonFile.read(path, BACKTEST_JSON, 'run'));
}

export function runMonteCarlo(path: string, options: MonteCarloRunOptions): MonteCarloReport {
  return monteCarloOfRun(readBacktestRun(path), options);
}
