// `sextant optimize` and `sextant walkforward` end to end on a CSV file: the fast kernel and the event
// engine give the same reports, and bad flags are ConfigErrors that name the flag.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.ts';
import { toIso } from '../../src/core/time.ts';
import { optimizeCommand } from '../../src/cli/optimize-command.ts';
import { walkforwardCommand } from '../../src/cli/walkforward-command.ts';
import { randomWalk } from '../helpers/bars.ts';

const dir = mkdtempSync(join(tmpdir(), 'sextant-research-'));
const csv = join(dir, 'WALK.csv');
{
  const w = randomWalk(700, 31, { vol: 0.015 });
  const lines = ['Date,Open,High,Low,Close,Volume'];
  for (let i = 0; i < w.length; i++) lines.push(`${toIso(w.time[i]!).slice(0, 10)},${w.open[i]},${w.high[i]},${w.low[i]},${w.close[i]},${w.volume[i]}`);
  writeFileSync(csv, `${lines.join('\n')}\n`);
}

async function run(cmd: typeof optimizeCommand, args: string[]): Promise<{ code: number; text: string; json: Record<string, unknown> }> {
  const out: string[] = [];
  const file = join(dir, `out-${Math.random().toString(36).slice(2)}.json`);
  const code = await cmd([...args, '--json', file], (s) => out.push(s));
  return { code, text: out.join('\n'), json: JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown> };
}

const BASE = ['--strategy', 'sma-cross', '--data', `csv:${csv}`, '--space', 'fast=3:12:3,slow=10:40:10', '--commission', '0.001', '--threads', '0'];

describe('sextant optimize', () => {
  it('prints the sorted table, the deflated Sharpe ratio and the PBO, and the event engine agrees with the fast kernel', async () => {
    const fast = await run(optimizeCommand, [...BASE, '--top', '3']);
    const event = await run(optimizeCommand, [...BASE, '--engine', 'event']);
    expect(fast.code).toBe(0);
    expect(fast.json.engine).toBe('fast');
    expect(event.json.engine).toBe('event');
    expect(fast.json.evaluated).toBe(15);
    expect(fast.json.skipped).toBe(1);
    expect(fast.text).toMatch(/15 parameter set\(s\) evaluated, 1 skipped/);
    expect(fast.text).toMatch(/fast must be shorter than slow/);
    expect(fast.text).toMatch(/Deflated Sharpe ratio of the best: [0-9.]+ .*over 15 trial/);
    expect(fast.text).toMatch(/Probability of backtest overfitting \(CSCV, \d+ blocks/);
    expect(fast.json.trials).toEqual(event.json.trials);
    expect(fast.json.deflatedSharpe).toEqual(event.json.deflatedSharpe);
    expect(fast.json.pbo).toEqual(event.json.pbo);
  });

  it('runs rsi with TPE and a drawdown-capped objective on both engines alike', async () => {
    const args = ['--strategy', 'rsi', '--data', `csv:${csv}`, '--space', 'period=4:20,lower=20:40:5,upper=60:80:5', '--method', 'tpe', '--trials', '12', '--seed', '3', '--objective', 'return@dd<0.5', '--threads', '0'];
    const fast = await run(optimizeCommand, args);
    const event = await run(optimizeCommand, [...args, '--engine', 'event']);
    expect(fast.json.method).toBe('tpe');
    expect(fast.json.evaluated).toBe(12);
    expect(fast.json.objective).toBe('total-return@dd<0.5');
    expect(fast.json.trials).toEqual(event.json.trials);
  });

  it('names the flag when the input is bad', async () => {
    const cases: [string[], RegExp][] = [
      [['--strategy', 'sma-cross'], /--space/],
      [[...BASE, '--objective', 'profit'], /--objective/],
      [[...BASE, '--method', 'anneal'], /--method/],
      [['--strategy', 'sma-cross', '--data', `csv:${csv}`, '--space', 'fast=3:12:3,speed=1:2'], /--space.*speed/],
      [['--strategy', 'bollinger', '--data', `csv:${csv}`, '--space', 'period=10:20:5', '--engine', 'fast'], /--engine/],
      [[...BASE, '--constraint', 'fast<nope'], /--constraint/],
      [[...BASE, '--trials', '0'], /--trials/],
    ];
    for (const [args, re] of cases) {
      const p = optimizeCommand(args, () => undefined);
      await expect(p, args.join(' ')).rejects.toThrow(ConfigError);
      await expect(optimizeCommand(args, () => undefined), args.join(' ')).rejects.toThrow(re);
    }
  });
});

describe('sextant walkforward', () => {
  it('reports folds, out-of-sample metrics and parameter stability, the same on both engines', async () => {
    const args = [...BASE, '--folds', '3', '--train', '0.7'];
    const fast = await run(walkforwardCommand, args);
    const event = await run(walkforwardCommand, [...args, '--engine', 'event']);
    expect(fast.code).toBe(0);
    expect(fast.text).toMatch(/3 rolling folds, 70\/30 train\/test/);
    expect(fast.text).toMatch(/Out of sample \(stitched test windows\)/);
    expect(fast.text).toMatch(/fast .* Std/s);
    expect((fast.json.folds as unknown[]).length).toBe(3);
    expect(fast.json.folds).toEqual(event.json.folds);
    expect(fast.json.equity).toEqual(event.json.equity);
    expect(fast.json.stability).toEqual(event.json.stability);
    const anchored = await run(walkforwardCommand, [...args, '--anchored']);
    const folds = anchored.json.folds as { train: { from: string } }[];
    expect(new Set(folds.map((f) => f.train.from)).size).toBe(1);
  });

  it('refuses a bad train share and too many folds, naming the flag', async () => {
    await expect(walkforwardCommand([...BASE, '--train', '1.5'], () => undefined)).rejects.toThrow(/--train/);
    await expect(walkforwardCommand([...BASE, '--folds', '400'], () => undefined)).rejects.toThrow(/--folds/);
  });
});
