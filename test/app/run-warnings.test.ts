// Runs that did nothing useful say why (report `warnings`), each through a real backtest.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.ts';
import type { Bar } from '../../src/model/bar.ts';
import type { StrategyContext } from '../../src/strategies/context.ts';
import { Strategy, type StrategyClass } from '../../src/strategies/strategy.ts';
import { registerStrategy } from '../../src/strategies/registry.ts';
import { runBacktest, type BacktestRequest } from '../../src/app/backtest.ts';
import { warmupOf } from '../../src/app/run-warnings.ts';
import { SmaCross } from '../../src/strategies/builtin/sma-cross.ts';

const dir = mkdtempSync(join(tmpdir(), 'sextant-warnings-'));

function csv(name: string, closes: readonly number[]): string {
  const rows = ['Date,Open,High,Low,Close,Volume'];
  closes.forEach((c, i) => {
    const o = i === 0 ? c : closes[i - 1]!;
    rows.push(`${new Date(Date.UTC(2020, 0, 1) + i * 86_400_000).toISOString().slice(0, 10)},${o},${Math.max(o, c)},${Math.min(o, c)},${c},1000`);
  });
  const path = join(dir, name);
  writeFileSync(path, rows.join('\n') + '\n');
  return `csv:${path}`;
}

const WAVE = csv('WAVE.csv', Array.from({ length: 60 }, (_, i) => Math.round((100 + 10 * Math.sin(i / 5)) * 100) / 100));

const run = (req: Partial<BacktestRequest> & { strategy: string }) => runBacktest({ benchmark: false, analysis: false, ...req });
const codes = (r: { warnings: { code: string }[] }) => r.warnings.map((w) => w.code);

/** Throws on its fifth bar, after buying on its second. */
class Thrower extends Strategy {
  static readonly schema = z.object({});
  #bars = 0;
  override onBar(bar: Bar, ctx: StrategyContext): void {
    if (++this.#bars === 2) ctx.buy(bar.symbol, 1);
    if (this.#bars === 5) throw new Error('division by zero in my signal');
  }
}
registerStrategy('test-thrower', Thrower as unknown as StrategyClass<object>);

describe('run warnings', () => {
  it('none for a run that trades', async () => {
    const r = await run({ strategy: 'sma-cross', data: [WAVE], params: { fast: 3, slow: 10 } });
    expect(r.fills.length).toBeGreaterThan(0);
    expect(r.warnings).toEqual([]);
  });

  it('a warm-up longer than the data', async () => {
    const r = await run({ strategy: 'sma-cross', data: [WAVE], params: { fast: 10, slow: 100 } });
    expect(r.fills).toEqual([]);
    expect(codes(r)).toEqual(['warmup-exceeds-data']);
    expect(r.warnings[0]!.message).toContain('needs at least 100 bars to warm up (slow=100), but WAVE has 60 bars');
    expect(r.warnings[0]!.message).toContain('--from/--to');
    // The warm-up read from the params: the largest look-back.
    expect(warmupOf(SmaCross as unknown as StrategyClass<object>, { fast: 10, slow: 30 })).toEqual({ bars: 30, param: 'slow=30' });
  });

  it('a strategy that needs order books, run on bars', async () => {
    const r = await run({ strategy: 'book-imbalance', data: [WAVE] });
    expect(codes(r)).toEqual(['needs-order-book']);
    expect(r.warnings[0]!.message).toContain('order-book snapshots (onBook)');
  });

  it('pairs on a cash account: the short leg is refused', async () => {
    // Y = 2 x X x (1 + a mean-reverting wiggle): cointegrated, so pairs opens spreads, which need a short leg.
    const rng = new Rng(7);
    const x: number[] = [];
    const y: number[] = [];
    let px = 50;
    let e = 0;
    for (let i = 0; i < 400; i++) {
      px *= Math.exp(0.01 * rng.normal());
      e = 0.7 * e + 0.01 * rng.normal();
      x.push(Math.round(px * 100) / 100);
      y.push(Math.round(2 * px * Math.exp(e) * 100) / 100);
    }
    const req = { strategy: 'pairs', data: [csv('PY.csv', y), csv('PX.csv', x)], params: { symbols: 'PY,PX' } };
    const cash = await run(req);
    expect(codes(cash)).toContain('short-needs-margin');
    expect(cash.warnings.find((w) => w.code === 'short-needs-margin')!.message).toContain('--account margin');
    const margin = await run({ ...req, account: 'margin' });
    expect(codes(margin)).not.toContain('short-needs-margin');
    expect(margin.fills.some((f) => f.side === 'sell')).toBe(true);
  });

  it('orders all sized to zero: whole units dearer than the cash', async () => {
    const r = await run({ strategy: 'sma-cross', data: [WAVE], params: { fast: 3, slow: 10 }, cash: 50 });
    expect(r.fills).toEqual([]);
    expect(codes(r)).toEqual(['orders-sized-to-zero']);
    expect(r.warnings[0]!.message).toMatch(/^\d+ orders were sized to 0 units/);
    expect(r.warnings[0]!.message).toContain('--asset crypto');
  });

  it('a strategy that threw: in strategyErrors and warned', async () => {
    const r = await run({ strategy: 'test-thrower', data: [WAVE] });
    expect(r.strategyErrors).toHaveLength(1);
    expect(codes(r)).toEqual(['strategy-error']);
    expect(r.warnings[0]!.message).toContain('division by zero in my signal');
    expect(r.warnings[0]!.message).toContain('2020-01-05T00:00:00.000Z');
  });
});
