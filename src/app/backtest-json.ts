// Writes a backtest report as the `--json` document of DESIGN §8 (docs/backtest-json.md), to a file or to
// stdout when the target is `-`.
import { writeFileSync } from 'node:fs';
import type { BacktestReport } from './backtest.ts';

export function writeBacktestJson(report: BacktestReport, target: string): void {
  const text = `${JSON.stringify(report, null, 1)}\n`;
  if (target === '-') process.stdout.write(text);
  else writeFileSync(target, text);
}
