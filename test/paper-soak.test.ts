// Soak (issue 13): paper trading on a fast replay of 8 simulated days (SOAK_DAYS) of 15-minute bars with four
// strategies, one of which throws and one of which loops forever. The run must end with the healthy
// strategies trading throughout (fills on the last day), both faulty ones reported (the thrower as a
// failed strategy, the looper stopped by the watchdog, the node restarted without it), exit 3, and a
// consistent store: the run completed, every fill belongs to an order, positions equal the fills.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Rng } from '../src/core/rng.ts';
import { openStore } from '../src/store/open.ts';
import { fixtureAsUserFile } from './helpers/fixture-as-user-file.ts';

const ROOT = resolve(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin/sextant.js');
const dir = mkdtempSync(join(tmpdir(), 'sextant-soak-'));
/** The fixture as a user's file (importing 'sextant', like the faulty ones below). */
const FLIP_FLOP = fixtureAsUserFile('flip-flop.ts', dir);
const START_MS = Date.UTC(2024, 0, 1);
const BAR_MS = 15 * 60_000;
/** 8 days in the default run (20 took two CPU-minutes of `npm test`); SOAK_DAYS=<n> for a longer soak. */
const DAYS = Number(process.env.SOAK_DAYS ?? 8);
const BARS = DAYS * 96;
/** The bars at which the faulty strategies start failing: a quarter and half-way through the soak. */
const THROWS_AT = Math.floor(BARS / 4);
const LOOPS_AT = Math.floor(BARS / 2);

function writeBars(): string {
  const rng = new Rng(30);
  const rows = ['Date,Open,High,Low,Close,Volume'];
  let p = 100;
  for (let i = 0; i < BARS; i++) {
    const o = p;
    p = Math.max(1, p * Math.exp(0.004 * rng.normal()));
    rows.push(`${new Date(START_MS + i * BAR_MS).toISOString()},${o.toFixed(2)},${(Math.max(o, p) * 1.001).toFixed(2)},${(Math.min(o, p) * 0.999).toFixed(2)},${p.toFixed(2)},100000`);
  }
  const path = join(dir, 'bars.csv');
  writeFileSync(path, rows.join('\n') + '\n');
  return path;
}

/** A user strategy that trades every bar like flip-flop and, from bar `n` on, runs `fault`. */
function faulty(name: string, n: number, fault: string): string {
  const path = join(dir, `${name}.ts`);
  writeFileSync(path, `import { Strategy, z, type Bar, type StrategyContext } from 'sextant';
export class Faulty extends Strategy<Record<string, never>> {
  static readonly schema = z.object({});
  bars = 0;
  override onBar(bar: Bar, ctx: StrategyContext): void {
    if (++this.bars >= ${n}) { ${fault} }
    if (ctx.openOrders(bar.symbol).length > 0) return;
    if (ctx.position(bar.symbol).isFlat) ctx.buy(bar.symbol, 1);
    else ctx.close(bar.symbol);
  }
}
`);
  return path;
}

describe(`paper soak: ${DAYS} simulated days, a throwing and a looping strategy among healthy ones`, () => {
  it('the healthy strategies trade throughout, the faulty ones are reported, the store is consistent', async () => {
    const bars = writeBars();
    const thrower = faulty('thrower', THROWS_AT, "throw new Error('boom');");
    const looper = faulty('looper', LOOPS_AT, 'for (;;) { /* stuck */ }');
    const stateDir = join(dir, 'state');
    const args = ['paper', '--strategy', `${FLIP_FLOP}:25000`, '--strategy', 'sma-cross:25000', '--strategy', `${thrower}:25000`, '--strategy', `${looper}:25000`,
      '--replay', `csv:${bars}`, '--speed', 'max', '--run', 'soak', '--state-dir', stateDir, '--strategy-timeout', '2', '--quiet'];
    const r = await new Promise<{ code: number | null; stderr: string }>((res) => {
      const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env }, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
      child.on('exit', (code) => res({ code, stderr }));
    });
    expect(r.stderr).toMatch(/error: strategy .*looper\.ts was stopped by the watchdog: its code had not returned for 2\.\d s/);
    expect(r.stderr).toMatch(/error: strategy .*thrower\.ts failed at .* and was stopped: .*boom/);
    expect(r.code).toBe(3);

    const store = await openStore({ dir: join(stateDir, 'db'), env: {} });
    try {
      expect((await store.getRun('soak'))?.status).toBe('completed');
      const fills = await store.loadFills('soak');
      const lastOf = (id: string): number => Math.max(...fills.filter((f) => f.strategyId === id).map((f) => f.tsMs));
      const lastDay = START_MS + (DAYS - 1) * 86_400_000;
      expect(lastOf(FLIP_FLOP)).toBeGreaterThanOrEqual(lastDay);
      expect(fills.filter((f) => f.strategyId === 'sma-cross').length).toBeGreaterThan(10);
      expect(lastOf(thrower)).toBeLessThan(START_MS + THROWS_AT * BAR_MS);
      expect(lastOf(looper)).toBeLessThan(START_MS + LOOPS_AT * BAR_MS);
      // Every fill belongs to a stored order of the run (all of them read in one query, not one per fill); positions equal the fills.
      const orders = await store.listOrders('soak', { limit: 1_000_000, offset: 0 });
      expect(orders.length).toBe(await store.countOrders('soak'));
      const orderIds = new Set(orders.map((o) => o.clientOrderId));
      expect(fills.filter((f) => !orderIds.has(f.orderId)).map((f) => f.orderId)).toEqual([]);
      const fromFills = await store.positionsFromFills('soak');
      const snapshots = await store.loadPositions('soak');
      for (const p of fromFills) expect(snapshots.find((s) => s.strategyId === p.strategyId && s.symbol === p.symbol)?.qty ?? 0).toBeCloseTo(p.qty, 9);
      const failures = (await store.loadRiskEvents('soak')).filter((e) => e.kind === 'strategy-error').map((e) => e.reason);
      expect(failures.some((reason) => reason.includes('thrower.ts') && reason.includes('boom'))).toBe(true);
      expect(failures.some((reason) => reason.includes('looper.ts') && reason.includes('stopped by the watchdog'))).toBe(true);
    } finally {
      await store.close();
    }
  }, 300_000);
});
