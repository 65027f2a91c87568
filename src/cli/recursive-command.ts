// `sextant recursive --strategy ... [--data ...] [--startups 50,100,200] [--json out.json]`: runs with several
// warm-up lengths before a common start and reports how the signals differ from the longest warm-up's.
import { ConfigError } from '../core/errors.ts';
import { runRecursiveAnalysis } from '../app/analysis.ts';
import { str, type CommandIO, type ParsedArgs } from './args.ts';
import { jsonOnStdout, writeJsonFlag } from './output.ts';
import { invoke } from './program.ts';
import { runRequest } from './run-flags.ts';
import { renderTable } from './table.ts';

export function parseIntList(text: string | undefined, flag: string): number[] | undefined {
  if (text === undefined) return undefined;
  const parts = text.split(',').map((p) => p.trim());
  return parts.map((p) => {
    const n = Number(p);
    if (p === '' || !Number.isSafeInteger(n) || n < 0) throw new ConfigError(`${flag} is a comma-separated list of bar counts, got "${text}"`, { field: flag });
    return n;
  });
}

export async function run(a: ParsedArgs, io: CommandIO): Promise<number> {
  const startups = parseIntList(str(a, 'startups'), '--startups');
  const r = await runRecursiveAnalysis({ ...runRequest(a), startups });
  writeJsonFlag(a, r, io);
  if (jsonOnStdout(a)) return 0;
  const out = io.out;
  out(`${String(r.params.strategy)}: trading from ${r.evaluationFrom.slice(0, 19)} (${r.evaluationBars} bars); reference = ${r.referenceStartup} bars of warm-up, ${r.referenceSignals} signal(s)`);
  out(renderTable(['Warm-up bars', 'Data from', 'Signals', 'Matching', 'Differing', 'Differing %', 'Other size', 'First difference'], r.results.map((x) => [
    String(x.startup), x.dataFrom.slice(0, 10), String(x.signals), String(x.matching), String(x.differing), `${(x.differingShare * 100).toFixed(1)}%`,
    String(x.sizeDiffering), x.firstDifference?.slice(0, 19) ?? '-',
  ])));
  if (r.stable) out('stable: every warm-up length gave the same signals as the longest');
  else {
    out(`START-POINT DEPENDENT: signals change with the warm-up length${r.minimumStableStartup === null ? '' : `; ${r.minimumStableStartup} bars or more give the reference signals`}`);
    const first = r.results.find((x) => !x.identical)!;
    for (const d of first.differences.slice(0, 5)) out(`  warm-up ${first.startup}: only in ${d.onlyIn}: ${d.signal}`);
  }
  return 0;
}

/** `sextant recursive <argv>` in-process (tests, scripts). */
export function recursiveCommand(argv: readonly string[], out: (s: string) => void, err?: (s: string) => void): Promise<number> {
  return invoke(['recursive'], argv, () => run, out, err);
}
