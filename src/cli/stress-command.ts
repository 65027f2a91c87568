// `sextant stress --strategy ... [--data ...] [--window FROM:TO]... [--json out.json]`: the strategy through the
// worst windows of its data and through injected shocks, each against the baseline.
import { ConfigError } from '../core/errors.ts';
import { runStress } from '../app/stress.ts';
import { num, parseArgs, str, strs } from './args.ts';
import { STRATEGY_RUN_FLAGS, strategyRunRequest, writeJson } from './lookahead-command.ts';
import { fmtNum, fmtPct, renderTable } from './table.ts';

/** A number flag that `--no-<name>` turns off (null). */
function optional(a: ReturnType<typeof parseArgs>, name: string): number | null | undefined {
  if (a.flags.has(`no-${name}`)) {
    if (a.flags.has(name)) throw new ConfigError(`--${name} and --no-${name} together`, { field: `--${name}` });
    return null;
  }
  return num(a, name);
}

export async function stressCommand(argv: readonly string[], out: (s: string) => void): Promise<number> {
  const a = parseArgs(argv, [
    ...STRATEGY_RUN_FLAGS,
    { name: 'window', kind: 'string', repeat: true },
    { name: 'windows', kind: 'number' },
    { name: 'gap', kind: 'number' },
    { name: 'vol-k', kind: 'number' },
    { name: 'drought-volume', kind: 'number' },
    { name: 'no-gap', kind: 'boolean' },
    { name: 'no-vol-k', kind: 'boolean' },
    { name: 'no-drought-volume', kind: 'boolean' },
    { name: 'participation', kind: 'number' },
    { name: 'shock-bars', kind: 'number' },
    { name: 'shock-at', kind: 'string' },
  ]);
  if (a.positional.length) throw new ConfigError(`unexpected argument "${a.positional[0]}"`, { field: a.positional[0] });
  const r = await runStress({
    ...strategyRunRequest(a), windows: strs(a, 'window'), autoWindows: num(a, 'windows'), gap: optional(a, 'gap'), volK: optional(a, 'vol-k'),
    droughtVolume: optional(a, 'drought-volume'), participation: num(a, 'participation'), shockBars: num(a, 'shock-bars'), shockAt: str(a, 'shock-at'),
  });
  writeJson(str(a, 'json'), r);
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
