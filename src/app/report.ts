// Backtest reports beyond the headline metrics: the `analysis` block (backtest-analysis.ts, re-exported
// here) and the HTML tearsheet of `--report`.
import { writeFileSync } from 'node:fs';
import { ConfigError } from '../core/errors.ts';
import { renderTearsheet, type RenderOptions } from '../analytics/report/html.ts';
import type { TearsheetSource } from '../analytics/report/model.ts';

export { analyzeBacktest, referencePrices, type AnalyzeOptions } from './backtest-analysis.ts';

/** The tearsheet HTML of a backtest report (one self-contained page). */
export function renderBacktestReport(report: TearsheetSource, opts: RenderOptions = {}): string {
  return renderTearsheet(report, opts);
}

/** Writes the tearsheet of `report` to `path` (`sextant backtest --report <path>`). */
export function writeBacktestReport(report: TearsheetSource, path: string, opts: RenderOptions = {}): void {
  const html = renderTearsheet(report, opts);
  try {
    writeFileSync(path, html);
  } catch (e) {
    throw new ConfigError(`cannot write the report: ${e instanceof Error ? e.message : String(e)}`, { file: path, field: 'path' });
  }
}
