// The `--json` document of the backtest contract (docs/cli.md, docs/backtest-json.md): a run's report written to a file or to stdout
// (target `-`), and read back through the RunReport schema.
import { writeFileSync } from 'node:fs';
import { ConfigError } from '../core/errors.ts';
import { JsonFile, RunReportSchema, type RunReport } from './dto/index.ts';

/** Writes `report` as `backtest --json` does; a target that cannot be written is a ConfigError on field `target`. */
export function writeBacktestJson(report: RunReport, target: string): void {
  const text = `${JSON.stringify(report, null, 1)}\n`;
  if (target === '-') {
    process.stdout.write(text);
    return;
  }
  try {
    writeFileSync(target, text);
  } catch (e) {
    throw new ConfigError(`cannot write the report: ${e instanceof Error ? e.message : String(e)}`, { file: target, field: 'target' });
  }
}

/** A whole saved report, validated; a missing, old or malformed file is an InputError naming file, line and field. */
export function readBacktestJson(path: string): RunReport {
  return JsonFile.read(path, 'the output of `sextant backtest --json`', 'path').parse(RunReportSchema);
}
