// `sextant stress --strategy ... [--data ...] [--window FROM:TO]... [--json out.json]`: the strategy through the
// worst windows of its data and through injected shocks, each against the baseline.
import { ConfigError } from '../core/errors.ts';
import { runStress } from '../app/stress.ts';
import { num, str, strs, type CommandIO, type ParsedArgs } from './args.ts';
import { jsonOnStdout, writeJsonFlag } from './output.ts';
import { invoke } from './program.ts';
import { runRequest } from './run-flags.ts';
import { fmtNum, fmtPct, renderTable } from './table.ts';

/** A number flag that `--no-<name>` turns off (null). */
function optional(a: ParsedArgs, name: string): number | null | undefined {
  if (a.flags.has(`no-${name}`)) {
    if (a.flags.has(name)) throw new ConfigError(`--${name} and --no-${name} together`, { field: `--${name}` });
    return null;
  }
  return num(a, name);
}

export async function run(a: ParsedArgs, io: CommandIO): Promise<number> {
  const r = await runStress({
    ...runRequest(a), windows: strs(a, 'window'), autoWindows: num(a, 'windows'), gap: optional(a, 'gap'), volK: optional(a, 'vol-k'),
    droughtVolume: optional(a, 'drought-volume'), participation: num(a, 'participation'), shockBars: num(a, 'shock-bars'), shockAt: str(a, 'shock-at'),
  });
  writeJsonFlag(a, r, io);
  if (jsonOnStdout(a)) return 0;
  const out = io.out;
  out(`${String(r.params.strategy)} on ${(r.params.data as string[]).join(', ')}`);
  // Crisis windows are measured on the baseline run: they appear only in the window table.
  const runs = r.scenarios.filter((s) => s.kind !== 'crisis-window');
  out(renderTable(['Scenario (whole run)', 'Final value', 'Return', 'Sharpe', 'Max DD', 'Trades', 'Fill ratio', 'Δ return', 'Δ max DD'], runs.map((s) => [
    s.id, fmtNum(s.metrics.finalValue), fmtPct(s.metrics.totalReturn), fmtNum(s.metrics.sharpe), fmtPct(s.metrics.maxDrawdown), String(s.metrics.tradeCount),
    fmtPct(s.metrics.fillRatio, 1), fmtPct(s.vsBaseline?.totalReturn), fmtPct(s.vsBaseline?.maxDrawdown),
  ])));
  const windowed = r.scenarios.filter((s) => s.window !== null);
  if (windowed.length) {
    out('');
    out(renderTable(['Window', 'From', 'To', 'Strategy', 'Baseline', 'Underlying', 'Strategy max DD'], windowed.map((s) => [
      s.id, s.window!.from.slice(0, 10), s.window!.to.slice(0, 10), fmtPct(s.window!.strategyReturn), fmtPct(s.window!.baselineReturn),
      fmtPct(s.window!.underlyingReturn), fmtPct(s.window!.strategyMaxDrawdown),
    ])));
  }
  if (r.shock) out(`shocks start ${r.shock.at.slice(0, 10)} (${r.shock.reason}); windows after a shock span ${r.shock.bars} bars from the close before it`);
  return 0;
}

/** `sextant stress <argv>` in-process (tests, scripts). */
export function stressCommand(argv: readonly string[], out: (s: string) => void, err?: (s: string) => void): Promise<number> {
  return invoke(['stress'], argv, () => run, out, err);
}
