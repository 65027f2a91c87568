// `sextant lookahead --strategy ... [--data ...] [--samples 20] [--json out.json]`: re-runs the strategy on
// data cut right after a sample of its signal bars; any difference at or before that bar means it peeks ahead.
import { runLookaheadAnalysis } from '../app/analysis.ts';
import { num, type CommandIO, type ParsedArgs } from './args.ts';
import { jsonOnStdout, writeJsonFlag } from './output.ts';
import { invoke } from './program.ts';
import { renderTable } from './table.ts';
import { runRequest } from './run-flags.ts';

export async function run(a: ParsedArgs, io: CommandIO): Promise<number> {
  const r = await runLookaheadAnalysis({ ...runRequest(a), samples: num(a, 'samples') });
  writeJsonFlag(a, r, io);
  if (jsonOnStdout(a)) return 0;
  const out = io.out;
  out(`${String(r.params.strategy)}: ${r.signals} signal(s) on ${r.signalBars} of ${r.bars} bars; re-ran ${r.checked} cut after a signal bar`);
  if (r.checked > 0) {
    out(renderTable(['Cut after', 'Signals (full run)', 'Signals (cut run)', 'Result'], r.results.map((x) => [
      x.time.slice(0, 19), String(x.fullSignals.length), String(x.cutSignals.length), x.ok ? 'same' : `differs at ${x.firstDifference!.slice(0, 19)}`,
    ])));
  }
  if (r.checked === 0) out('no signals: nothing to check (choose data or params on which the strategy trades)');
  else if (r.biased) {
    out(`LOOK-AHEAD BIAS: ${r.biasedBars.length} of ${r.checked} cut run(s) decided differently; the strategy uses data from after the bar it acts on.`);
    const first = r.results.find((x) => !x.ok)!;
    out(`first: cut after ${first.time}, full run: [${first.difference!.full.join('; ')}], cut run: [${first.difference!.cut.join('; ')}]`);
  } else out('no look-ahead bias found: every cut run made the same signals and fills up to its last bar');
  return 0;
}

/** `sextant lookahead <argv>` in-process (tests, scripts). */
export function lookaheadCommand(argv: readonly string[], out: (s: string) => void, err?: (s: string) => void): Promise<number> {
  return invoke(['lookahead'], argv, () => run, out, err);
}
