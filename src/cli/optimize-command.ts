// `sextant optimize`: parameter search (grid, random, TPE) with the deflated Sharpe ratio of the best
// set and the probability of backtest overfitting (CSCV).
import { ConfigError } from '../core/errors.ts';
import { recordResearch, runOptimize, type EngineChoice, type OptimizeRequest, type OptimizeResult, type QueueRunOptions, type WalkForwardResult } from '../app/research.ts';
import { ResearchJobError } from '../research/queue-client.ts';
import type { TrialRow } from '../research/optimize.ts';
import { bool, num, str, strs, type CommandIO, type ParsedArgs } from './args.ts';
import { jsonOnStdout, writeJsonFlag } from './output.ts';
import { invoke } from './program.ts';
import { ProgressBar } from './progress.ts';
import { runRequest } from './run-flags.ts';
import { fmtNum, fmtPct, renderTable } from './table.ts';

/** The request fields shared by optimize and walkforward. */
export function researchRequest(a: ParsedArgs): OptimizeRequest {
  return {
    ...runRequest(a), space: str(a, 'space')!, trials: num(a, 'trials'), seed: num(a, 'seed'),
    objective: str(a, 'objective'),
    method: str(a, 'method'),
    constraints: strs(a, 'constraint'),
    engine: str(a, 'engine') as EngineChoice | undefined,
    threads: num(a, 'threads'),
  };
}

/** `--queue`, `--queue-name`, `--chunk`: where a distributed run sends its jobs (undefined: run locally). */
export function queueOptions(a: ParsedArgs): QueueRunOptions | undefined {
  const url = str(a, 'queue');
  const name = str(a, 'queue-name');
  const chunk = num(a, 'chunk');
  if (url === undefined) {
    if (name !== undefined) throw new ConfigError('--queue-name needs --queue redis://host:port', { field: '--queue-name' });
    if (chunk !== undefined) throw new ConfigError('--chunk needs --queue redis://host:port', { field: '--chunk' });
    return undefined;
  }
  return { url, name, chunk };
}

/** Prints notices (e.g. no worker connected yet) on stderr, above the progress bar. */
export function notice(s: string): void {
  process.stderr.write(`${s}\n`);
}

/**
 * Runs a research command; a job that failed on a worker is exit 1 with its message (the parameter
 * set and the error) on stderr instead of an internal-error stack.
 */
export async function orJobFailure(command: string, run: () => Promise<number>): Promise<number> {
  try {
    return await run();
  } catch (e) {
    if (!(e instanceof ResearchJobError)) throw e;
    process.stderr.write(`\nsextant ${command}: ${e.message}\n`);
    return 1;
  }
}

/** `--record [--db X]`: writes the report into the store as a completed run and says where. */
export async function recordIfAsked(
  a: ParsedArgs, research: 'optimize' | 'walkforward', req: OptimizeRequest, result: OptimizeResult | WalkForwardResult, startedMs: number, out: (s: string) => void,
): Promise<void> {
  if (!bool(a, 'record')) return;
  const r = await recordResearch(research, req, result, { db: str(a, 'db'), startedMs });
  if (!bool(a, 'quiet')) out(`Recorded as run ${r.runId} in ${r.location}`);
}

export function fmtParams(p: Readonly<Record<string, unknown>>, names: readonly string[]): string {
  return names.map((n) => `${n}=${String(p[n])}`).join(' ');
}

export async function run(a: ParsedArgs, io: CommandIO): Promise<number> {
  const out = io.out;
  const top = num(a, 'top') ?? 10;
  const queue = queueOptions(a);
  const req: OptimizeRequest = { ...researchRequest(a), pboBlocks: num(a, 'pbo-blocks') };
  if (!bool(a, 'record') && str(a, 'db') !== undefined) throw new ConfigError('--db needs --record', { field: '--db' });
  const startedMs = Date.now();
  return orJobFailure('optimize', async () => {
    const progress = new ProgressBar('optimize');
    let result: OptimizeResult;
    try {
      result = await runOptimize(req, { onProgress: (d, t) => progress.update(d, t), queue, onNotice: notice });
    } finally {
      progress.finish();
    }
    writeJsonFlag(a, result, io);
    if (!bool(a, 'quiet') && !jsonOnStdout(a)) out(summarizeOptimization(result, top));
    await recordIfAsked(a, 'optimize', req, result, startedMs, out);
    return 0;
  });
}

/** `sextant optimize <argv>` in-process (tests, scripts). */
export function optimizeCommand(argv: readonly string[], out: (s: string) => void, err?: (s: string) => void): Promise<number> {
  return invoke(['optimize'], argv, () => run, out, err);
}

function row(t: TrialRow, rank: number, names: readonly string[]): string[] {
  const m = t.metrics;
  return [String(rank), ...names.map((n) => String(t.params[n])), fmtNum(t.score, 4), fmtNum(m.sharpe), fmtPct(m.totalReturn), fmtPct(m.maxDrawdown), String(m.tradeCount)];
}

export function engineLabel(r: OptimizeResult | WalkForwardResult): string {
  const kind = r.engine === 'fast' ? 'fast kernel' : 'event engine';
  if (r.queue !== undefined) return `${kind} on ${Object.keys(r.queue.workers).length} queue worker(s)`;
  return r.engine === 'fast' ? `fast kernel, ${r.threads === 0 ? 'in-process' : `${r.threads} thread(s)`}` : kind;
}

/** `12 job(s) on queue "q" at redis://h:6379 by 2 worker(s): a:1 (7), b:2 (5)`. */
export function queueLine(q: NonNullable<OptimizeResult['queue']>): string {
  const ws = Object.entries(q.workers);
  return `${q.jobs} job(s) on queue "${q.name}" at ${q.url} by ${ws.length} worker(s): ${ws.map(([w, n]) => `${w} (${n})`).join(', ')}`;
}

export function summarizeOptimization(r: OptimizeResult, top: number): string {
  const names = r.space.split(',').map((p) => p.slice(0, p.indexOf('=')));
  const engine = engineLabel(r);
  const lines = [
    `${r.strategy} on ${r.data.join(', ')} (${r.bars} bars): ${r.method} search over ${r.space}, objective ${r.objective}`,
    `${r.evaluated} parameter set(s) evaluated, ${r.skipped} skipped by constraints, in ${r.seconds.toFixed(2)} s (${engine})`,
  ];
  for (const [reason, n] of Object.entries(r.skippedReasons)) lines.push(`  skipped ${n}: ${reason}`);
  if (r.queue !== undefined) lines.push(queueLine(r.queue));
  if (top > 0 && r.trials.length > 0) {
    lines.push('', renderTable(['#', ...names, r.objective, 'Sharpe', 'Return', 'Max DD', 'Trades'], r.trials.slice(0, top).map((t, i) => row(t, i + 1, names))));
  }
  lines.push('');
  if (r.best === null) lines.push('No parameter set has a score (see the objective; e.g. no trades or every drawdown above the cap).');
  else lines.push(`Best: ${fmtParams(r.best.params, names)} (${r.objective} ${fmtNum(r.best.score, 4)})`);
  const d = r.deflatedSharpe;
  if (d !== null) {
    lines.push(
      `Deflated Sharpe ratio of the best: ${fmtNum(d.dsr, 3)} (Sharpe ${fmtNum(d.sharpe)} against an expected maximum of ${fmtNum(d.expectedMaxSharpe)} ` +
        `over ${d.numTrials} trial(s), Sharpe variance ${fmtNum(d.trialSharpeVariance, 4)})`,
    );
  }
  const p = r.pbo;
  if (p !== null) {
    lines.push(
      `Probability of backtest overfitting (CSCV, ${p.blocks} blocks, ${p.combinations} combinations): ${fmtPct(p.pbo, 1)}; ` +
        `out-of-sample loss in ${fmtPct(p.probOosLoss, 1)} of them`,
    );
  } else if (r.best !== null) lines.push('Probability of backtest overfitting: needs at least 2 trials');
  return lines.join('\n');
}
