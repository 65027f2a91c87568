// `sextant walkforward`: re-optimize on each fold's training window, trade its test window, stitch the
// out-of-sample equity and report how stable the chosen params are.
import { ConfigError } from '../core/errors.ts';
import { runWalkForward, type WalkForwardRequest, type WalkForwardResult } from '../app/research.ts';
import { bool, num, str, type CommandIO, type ParsedArgs } from './args.ts';
import { engineLabel, fmtParams, notice, orJobFailure, queueLine, queueOptions, recordIfAsked, researchRequest } from './optimize-command.ts';
import { jsonOnStdout, writeJsonFlag } from './output.ts';
import { invoke } from './program.ts';
import { ProgressBar } from './progress.ts';
import { fmtNum, fmtPct, renderTable } from './table.ts';

export async function run(a: ParsedArgs, io: CommandIO): Promise<number> {
  const out = io.out;
  const folds = num(a, 'folds') ?? 5;
  const train = num(a, 'train') ?? 0.75;
  const queue = queueOptions(a);
  const req: WalkForwardRequest = { ...researchRequest(a), folds, trainFraction: train, anchored: bool(a, 'anchored') };
  if (!bool(a, 'record') && str(a, 'db') !== undefined) throw new ConfigError('--db needs --record', { field: '--db' });
  const startedMs = Date.now();
  return orJobFailure('walkforward', async () => {
    const progress = new ProgressBar('walk-forward');
    let result: WalkForwardResult;
    try {
      result = await runWalkForward(req, { onProgress: (d, t) => progress.update(d, t), queue, onNotice: notice });
    } finally {
      progress.finish();
    }
    writeJsonFlag(a, result, io);
    if (!bool(a, 'quiet') && !jsonOnStdout(a)) out(summarizeWalkForward(result));
    await recordIfAsked(a, 'walkforward', req, result, startedMs, out);
    return 0;
  });
}

/** `sextant walkforward <argv>` in-process (tests, scripts). */
export function walkforwardCommand(argv: readonly string[], out: (s: string) => void, err?: (s: string) => void): Promise<number> {
  return invoke(['walkforward'], argv, () => run, out, err);
}

export function summarizeWalkForward(r: WalkForwardResult): string {
  const names = r.stability.map((s) => s.name);
  const engine = engineLabel(r);
  const lines = [
    `${r.strategy} on ${r.data.join(', ')} (${r.bars} bars): ${r.folds.length} ${r.anchored ? 'anchored' : 'rolling'} folds, ` +
      `${Math.round(r.trainFraction * 100)}/${Math.round((1 - r.trainFraction) * 100)} train/test, ${r.method} search, objective ${r.objective}, ` +
      `${r.seconds.toFixed(2)} s (${engine})`,
    ...(r.queue === undefined ? [] : [queueLine(r.queue)]),
    '',
    renderTable(
      ['Fold', 'Train', 'Test', 'Params', 'Train score', 'Test score', 'Test return', 'Trades'],
      r.folds.map((f) => [
        String(f.fold), `${f.train.from.slice(0, 10)}..${f.train.to.slice(0, 10)}`, `${f.test.from.slice(0, 10)}..${f.test.to.slice(0, 10)}`,
        fmtParams(f.params, names) + (f.scored ? '' : ' (unscored)'), fmtNum(f.trainScore, 3), fmtNum(f.testScore, 3), fmtPct(f.testMetrics.totalReturn), String(f.testMetrics.tradeCount),
      ]),
    ),
    '',
    `Out of sample (stitched test windows): return ${fmtPct(r.metrics.totalReturn)}, CAGR ${fmtPct(r.metrics.cagr)}, Sharpe ${fmtNum(r.metrics.sharpe)}, ` +
      `max drawdown ${fmtPct(r.metrics.maxDrawdown)}, ${r.metrics.tradeCount} trade(s); efficiency (mean test / mean train score) ${fmtNum(r.efficiency)}`,
    '',
    renderTable(
      ['Param', 'Per fold', 'Mean', 'Std', 'Std / range', 'Mode share', 'Changes'],
      r.stability.map((s) => [s.name, s.values.join(' '), fmtNum(s.mean), fmtNum(s.std), fmtNum(s.stdOfRange, 3), fmtPct(s.modeShare, 0), String(s.changes)]),
    ),
  ];
  return lines.join('\n');
}
