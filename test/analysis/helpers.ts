// Shared pieces of the analysis tests: engine runners for the research modules and CSV fixtures.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BacktestNode } from '../../src/engine/backtest-node.ts';
import type { BarSeries } from '../../src/model/bar.ts';
import { traceOf } from '../../src/app/analysis.ts';
import type { TraceRunner } from '../../src/research/lookahead-analysis.ts';
import { WarmupGate, type GatedRunner } from '../../src/research/recursive-analysis.ts';
import type { Strategy } from '../../src/strategies/strategy.ts';
import { builtinStrategy } from '../../src/strategies/builtin-classes.ts';
import { parseStrategyConfig } from '../../src/strategies/registry.ts';

export type Make = (series: readonly BarSeries[]) => Strategy;

export function builtin(name: string, params: Record<string, unknown> = {}): Make {
  const cls = builtinStrategy(name);
  if (cls === undefined) throw new Error(`no built-in ${name}`);
  const config = parseStrategyConfig(name, cls, params);
  return () => new cls(config);
}

export function traceRunner(make: Make): TraceRunner {
  return (series) => traceOf(new BacktestNode({ series, strategies: [{ strategy: make(series), id: 's' }] }).run());
}

export function gatedRunner(make: Make): GatedRunner {
  return (series, fromMs) => traceOf(new BacktestNode({ series, strategies: [{ strategy: new WarmupGate(make(series), fromMs), id: 's' }] }).run());
}

export const tmp = mkdtempSync(join(tmpdir(), 'sextant-analysis-'));

/** Writes a series as a Yahoo-style CSV and returns its `--data` spec. */
export function csvOf(s: BarSeries, name: string): string {
  const rows = ['Date,Open,High,Low,Close,Volume'];
  for (let i = 0; i < s.length; i++) {
    rows.push(`${new Date(s.time[i]!).toISOString().slice(0, 10)},${s.open[i]},${s.high[i]},${s.low[i]},${s.close[i]},${s.volume[i]}`);
  }
  const path = join(tmp, name);
  writeFileSync(path, `${rows.join('\n')}\n`);
  return `csv:${path}`;
}
