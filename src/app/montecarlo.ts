// `sextant montecarlo`: Monte Carlo of a saved `backtest --json` run.
import { readFileSync } from 'node:fs';
import { InputError } from '../core/errors.ts';
import { monteCarloOfRun, type MonteCarloReport, type MonteCarloRunOptions } from '../research/montecarlo.ts';
import { parseBacktestRun, type BacktestRunData } from '../research/montecarlo-input.ts';

/** Reads and validates a backtest JSON file. */
export function readBacktestRun(path: string): BacktestRunData {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new InputError(`cannot read the run file: ${e instanceof Error ? e.message : String(e)}`, { file: path, field: '--run' });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new InputError(`not valid JSON (${e instanceof Error ? e.message : String(e)}); expected the output of \`sextant backtest --json\``, { file: path });
  }
  return parseBacktestRun(raw, path);
}

export function runMonteCarlo(path: string, options: MonteCarloRunOptions): MonteCarloReport {
  return monteCarloOfRun(readBacktestRun(path), options);
}
