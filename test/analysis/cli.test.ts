// The four analysis commands end to end (called directly; src/cli/main.ts maps thrown user errors to exit 2).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, InputError } from '../../src/core/errors.ts';
import { backtestCommand } from '../../src/cli/backtest-command.ts';
import { lookaheadCommand } from '../../src/cli/lookahead-command.ts';
import { montecarloCommand } from '../../src/cli/montecarlo-command.ts';
import { recursiveCommand } from '../../src/cli/recursive-command.ts';
import { stressCommand } from '../../src/cli/stress-command.ts';
import type { MonteCarloReport } from '../../src/research/montecarlo.ts';
import { randomWalk } from '../helpers/bars.ts';
import { csvOf, tmp } from './helpers.ts';

type Command = (argv: readonly string[], out: (s: string) => void) => Promise<number>;

async function run(cmd: Command, argv: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const code = await cmd(argv, (s) => (out += `${s}\n`));
  return { code, out };
}

const spec = csvOf(randomWalk(600, 31, { vol: 0.02 }), 'cli.csv');
const runJson = join(tmp, 'run.json');

describe('sextant montecarlo', async () => {
  await run(backtestCommand, ['--strategy', 'sma-cross', '--param', 'fast=5', '--param', 'slow=20', '--data', spec, '--json', runJson, '--quiet']);
  const backtest = JSON.parse(readFileSync(runJson, 'utf8')) as { finalValue: number; trades: unknown[]; equity: { equity: number }[] };

  it('bootstraps the returns of a saved run with bands around its historical values', async () => {
    const out = join(tmp, 'mc-returns.json');
    const r = await run(montecarloCommand, ['--run', runJson, '--method', 'returns', '--paths', '2000', '--block', '10', '--seed', '3', '--json', out]);
    expect(r.code).toBe(0);
    const j = JSON.parse(readFileSync(out, 'utf8')) as MonteCarloReport;
    expect(j).toMatchObject({ method: 'returns', scheme: 'stationary', paths: 2000, block: 10, seed: 3, steps: backtest.equity.length - 1 });
    expect(j.finalEquity.historical).toBeCloseTo(backtest.equity[backtest.equity.length - 1]!.equity, 6);
    expect(j.finalEquity.percentiles.p5!).toBeLessThan(j.finalEquity.historical!);
    expect(j.finalEquity.percentiles.p95!).toBeGreaterThan(j.finalEquity.historical!);
    expect(r.out).toMatch(/Final equity/);
    expect(r.out).toMatch(/Probability of ruin \(equity at or below 50% of the start, 50,000.00\)/);
  });

  it('bootstraps and shuffles the trades', async () => {
    const out = join(tmp, 'mc-trades.json');
    expect((await run(montecarloCommand, ['--run', runJson, '--paths', '500', '--json', out])).code).toBe(0);
    const j = JSON.parse(readFileSync(out, 'utf8')) as MonteCarloReport;
    expect(j.method).toBe('trades');
    expect(j.steps).toBe(backtest.trades.length);
    const s = await run(montecarloCommand, ['--run', runJson, '--method', 'shuffle', '--paths', '300', '--percentiles', '10,90']);
    expect(s.out).toMatch(/p10 +p90/);
    expect(s.out).toMatch(/shuffled order/);
  });

  it('names the file and field of a bad run file, and the flag of a bad option', async () => {
    const bad = join(tmp, 'bad.json');
    writeFileSync(bad, JSON.stringify({ equity: [{ time: '2024-01-01', equity: 'x' }], trades: [] }));
    await expect(run(montecarloCommand, ['--run', bad, '--method', 'returns'])).rejects.toThrow(/bad\.json:1, field "equity\[0\]\.equity": expected number, got "x"/);
    writeFileSync(bad, '{ not json');
    await expect(run(montecarloCommand, ['--run', bad])).rejects.toThrow(InputError);
    await expect(run(montecarloCommand, ['--run', join(tmp, 'missing.json')])).rejects.toThrow(/missing\.json.*cannot read/);
    await expect(run(montecarloCommand, [])).rejects.toThrow(/--run/);
    await expect(run(montecarloCommand, ['--run', runJson, '--method', 'magic'])).rejects.toThrow(ConfigError);
    await expect(run(montecarloCommand, ['--run', runJson, '--paths', '0'])).rejects.toThrow(/--paths/);
    await expect(run(montecarloCommand, ['--run', runJson, '--ruin', '1.5'])).rejects.toThrow(/--ruin/);
    await expect(run(montecarloCommand, ['--run', runJson, '--percentiles', '5,abc'])).rejects.toThrow(/--percentiles/);
  });
});

describe('sextant lookahead', () => {
  it('clears a built-in and writes the per-bar results', async () => {
    const out = join(tmp, 'lookahead.json');
    const r = await run(lookaheadCommand, ['--strategy', 'sma-cross', '--param', 'fast=5', '--param', 'slow=20', '--data', spec, '--samples', '6', '--json', out]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/no look-ahead bias found/);
    const j = JSON.parse(readFileSync(out, 'utf8')) as { biased: boolean; checked: number; results: { ok: boolean }[] };
    expect(j.biased).toBe(false);
    expect(j.checked).toBe(6);
    expect(j.results.every((x) => x.ok)).toBe(true);
  });

  it('requires a strategy', async () => {
    await expect(run(lookaheadCommand, ['--data', spec])).rejects.toThrow(/--strategy/);
  });
});

describe('sextant recursive', () => {
  it('reports a finite-memory built-in as stable across warm-ups', async () => {
    const out = join(tmp, 'recursive.json');
    const r = await run(recursiveCommand, ['--strategy', 'donchian-breakout', '--data', spec, '--startups', '40,80,160', '--json', out]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/stable: every warm-up length gave the same signals/);
    const j = JSON.parse(readFileSync(out, 'utf8')) as { stable: boolean; results: { startup: number }[] };
    expect(j.results.map((x) => x.startup)).toEqual([40, 80, 160]);
  });

  it('rejects a bad startup list', async () => {
    await expect(run(recursiveCommand, ['--strategy', 'sma-cross', '--data', spec, '--startups', '50,x'])).rejects.toThrow(/--startups/);
    await expect(run(recursiveCommand, ['--strategy', 'sma-cross', '--data', spec, '--startups', '5000'])).rejects.toThrow(/--startups/);
  });
});

describe('sextant stress', () => {
  it('prints every scenario against the baseline and writes them as JSON', async () => {
    const out = join(tmp, 'stress.json');
    const r = await run(stressCommand, ['--strategy', 'buy-and-hold', '--data', spec, '--windows', '2', '--gap', '0.2', '--no-vol-k', '--json', out]);
    expect(r.code).toBe(0);
    const j = JSON.parse(readFileSync(out, 'utf8')) as { scenarios: { kind: string; id: string }[] };
    expect(j.scenarios.map((x) => x.kind)).toEqual(['baseline', 'crisis-window', 'crisis-window', 'gap-down', 'liquidity-drought']);
    for (const s of j.scenarios) expect(r.out).toContain(s.id);
    expect(r.out).toMatch(/shocks start \d{4}-\d{2}-\d{2}/);
  });

  it('takes user windows and rejects contradictory flags', async () => {
    const r = await run(stressCommand, ['--strategy', 'buy-and-hold', '--data', spec, '--window', '2024-03-01:2024-06-30', '--no-gap', '--no-vol-k', '--no-drought-volume']);
    expect(r.out).toContain('window 2024-03-01..2024-06-30');
    await expect(run(stressCommand, ['--strategy', 'buy-and-hold', '--data', spec, '--gap', '0.1', '--no-gap'])).rejects.toThrow(/--gap/);
    await expect(run(stressCommand, ['--strategy', 'buy-and-hold', '--data', spec, '--gap', '2'])).rejects.toThrow(/--gap/);
  });
});
