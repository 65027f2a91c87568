// A paper replay and a backtest of the same data and strategy are the same run: `sextant compare` pairs
// every fill at zero slippage and finds no return drift. (The same command, pointed at a run on live data,
// measures how far it strayed from its backtest.)
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeWalkCsv } from '../helpers/bars.ts';

const sextant = (args: readonly string[]) => spawnSync(process.execPath, ['bin/sextant.js', ...args], { encoding: 'utf8', timeout: 120_000 });

describe('sextant compare', () => {
  it('finds a paper replay equal to the backtest of the same data: every fill paired at 0 bp, no drift', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sextant-compare-'));
    const csv = writeWalkCsv(join(dir, 'walk.csv'), 400, 11, Date.UTC(2021, 0, 4));
    const strategy = ['--strategy', 'sma-cross', '--param', 'fast=5', '--param', 'slow=20'];
    const paper = sextant(['paper', ...strategy, '--replay', `csv:${csv}`, '--speed', 'max', '--run', 'r1', '--state-dir', join(dir, 's'), '--quiet']);
    expect(paper.status, paper.stderr).toBe(0);
    const bt = sextant(['backtest', ...strategy, '--data', `csv:${csv}`, '--json', join(dir, 'bt.json'), '--quiet']);
    expect(bt.status, bt.stderr).toBe(0);
    const cmp = sextant(['compare', '--run', 'r1', '--backtest', join(dir, 'bt.json'), '--state-dir', join(dir, 's'), '--tolerance', '0', '--json', '-']);
    expect(cmp.status, cmp.stderr).toBe(0);
    const c = JSON.parse(cmp.stdout) as { fills: { run: number; backtest: number; paired: number; matchRate: number; slippageBps: { worst: number } }; pnl: { drift: number; maxGap: number } };
    expect(c.fills.backtest).toBeGreaterThan(4);
    expect(c.fills).toMatchObject({ run: c.fills.backtest, paired: c.fills.backtest, matchRate: 1 });
    expect(c.fills.slippageBps.worst).toBe(0);
    expect(Math.abs(c.pnl.drift)).toBeLessThan(1e-9);
    expect(c.pnl.maxGap).toBeLessThan(1e-9);
    const text = sextant(['compare', '--run', 'r1', '--backtest', join(dir, 'bt.json'), '--state-dir', join(dir, 's')]);
    expect(text.stdout).toMatch(/paired \d+ \(100\.00% of the backtest's\)/);
    const bad = sextant(['compare', '--run', 'nope', '--backtest', join(dir, 'bt.json'), '--state-dir', join(dir, 's')]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/no run "nope"/);
  }, 180_000);
});
