// Instruments, commission, margin and timeframe from the run request, through real backtests on CSV files.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.ts';
import { runBacktest, type BacktestRequest } from '../../src/app/backtest.ts';
import { prepareResearchRunner } from '../../src/app/research.ts';

const dir = mkdtempSync(join(tmpdir(), 'sextant-instruments-'));

/** Writes a Yahoo-style CSV of daily (or `stepMs`) bars with the given closes; open = previous close. */
function csv(name: string, closes: readonly number[], stepMs = 86_400_000): string {
  const rows = ['Date,Open,High,Low,Close,Volume'];
  closes.forEach((c, i) => {
    const o = i === 0 ? c : closes[i - 1]!;
    const t = new Date(Date.UTC(2024, 0, 1) + i * stepMs).toISOString();
    rows.push(`${stepMs >= 86_400_000 ? t.slice(0, 10) : t.slice(0, 19).replace('T', ' ')},${o},${Math.max(o, c) + 1},${Math.min(o, c) - 1},${c},1000`);
  });
  const path = join(dir, name);
  writeFileSync(path, rows.join('\n') + '\n');
  return `csv:${path}`;
}

/** A wave: rises and falls so an SMA cross trades a few times. */
const wave = (n: number, base: number, amp: number): number[] => Array.from({ length: n }, (_, i) => Math.round((base + amp * Math.sin(i / 6)) * 100) / 100);

const BTC = csv('BTCUSD.csv', wave(80, 30_000, 3000));
const FUT = csv('FUT.csv', wave(120, 3000, 150));

async function run(req: Partial<BacktestRequest> & { strategy: string }) {
  return runBacktest({ benchmark: false, analysis: false, ...req });
}

describe('crypto', () => {
  it('buys a fractional quantity with --asset crypto', async () => {
    const r = await run({ strategy: 'buy-and-hold', data: [BTC], cash: 10_000, asset: 'crypto' });
    expect(r.fills).toHaveLength(1);
    const f = r.fills[0]!;
    // floor(0.95 x 10000 / first close, to 1e-8), filled at the next open (= the first close here).
    const firstClose = wave(1, 30_000, 3000)[0]!;
    expect(f.qty).toBe(Math.floor((9500 / firstClose) * 1e8) / 1e8);
    expect(f.qty).toBeGreaterThan(0.3);
    expect(f.qty).toBeLessThan(1);
    expect(r.warnings).toEqual([]);
    expect(r.params).toMatchObject({ asset: 'crypto', instrument: { assetClass: 'crypto', lotSize: 1e-8 } });
  });

  it('trades whole units by default and says why nothing was bought', async () => {
    const r = await run({ strategy: 'buy-and-hold', data: [BTC], cash: 10_000 });
    expect(r.fills).toEqual([]);
    expect(r.warnings.map((w) => w.code)).toEqual(['orders-sized-to-zero']);
    expect(r.warnings[0]!.message).toContain('--asset crypto');
    expect(r.warnings[0]!.message).toContain('--instrument lot=');
  });

  it('buys in steps of --instrument lot', async () => {
    const r = await run({ strategy: 'buy-and-hold', data: [BTC], cash: 10_000, instrument: ['lot=0.01'] });
    expect(r.fills.map((f) => f.qty)).toEqual([0.31]);
  });
});

describe('futures: backtrader\'s "SMA cross on a futures contract, 2.0 per contract, multiplier 10, margin 1000" in one request', () => {
  const req = {
    strategy: 'sma-cross', data: [FUT], cash: 10_000, asset: 'future', instrument: ['multiplier=10', 'margin=1000', 'commission-per-unit=2'], size: 'qty:1',
  } as const;

  it('charges 2 per contract, books P&L x 10, and keeps equity = cash + blocked margin', async () => {
    const r = await run(req);
    expect(r.trades.length).toBeGreaterThanOrEqual(2);
    for (const f of r.fills) expect([f.qty, f.commission]).toEqual([1, 2]);
    for (const t of r.trades) expect(t.pnl).toBeCloseTo((t.exitPrice - t.entryPrice) * 10 - 4, 9);
    const open = r.openPositions.reduce((n, p) => n + Math.abs(p.qty), 0);
    const unrealized = r.openPositions.reduce((u, p) => u + p.unrealizedPnl, 0);
    const realized = r.trades.reduce((s, t) => s + t.pnl, 0);
    const openCommission = r.fills.reduce((c, f) => c + f.commission, 0) - r.trades.reduce((c, t) => c + t.commission, 0);
    expect(r.finalValue).toBeCloseTo(10_000 + realized + unrealized - openCommission, 6);
    expect(r.finalCash).toBeCloseTo(r.finalValue - 1000 * open, 6);
    expect(r.params).toMatchObject({ asset: 'future', instrument: { multiplier: 10, margin: 1000, commissionPerUnit: 2 } });
    expect(r.warnings).toEqual([]);
  });

  it('rejects an entry whose margin plus commission exceeds cash', async () => {
    // 1,000 of cash: margin 1,000 passes the pre-trade check; + 2 commission does not fit at the fill.
    const r = await run({ ...req, cash: 1000 });
    expect(r.fills).toEqual([]);
    expect(r.rejectedOrders.length).toBeGreaterThan(0);
    expect(r.rejectedOrders[0]).toMatchObject({ status: 'rejected', reason: 'insufficient cash for margin: needs 1002.00 (margin 1000 x 1 + commission), free cash 1000.00' });
  });
});

describe('commission: a fraction of value and a per-unit part add up, with a minimum per fill', () => {
  it('charges max(min, qty x price x fraction + qty x per unit)', async () => {
    const r = await run({ strategy: 'buy-and-hold', data: [FUT], cash: 100_000, commission: 0.001, size: 'qty:10', instrument: ['commission-per-unit=0.5'] });
    const f = r.fills[0]!;
    expect(f.commission).toBeCloseTo(10 * f.price * 0.001 + 10 * 0.5, 9);
    const m = await run({ strategy: 'buy-and-hold', data: [FUT], cash: 100_000, size: 'qty:1', instrument: ['commission-per-unit=0.005', 'min-commission=1'] });
    expect(m.fills[0]!.commission).toBe(1);
  });
});

describe('--timeframe', () => {
  // 48 hourly bars: closes 100, 101, ..., 147.
  const hourly = csv('HOURLY.csv', Array.from({ length: 48 }, (_, i) => 100 + i), 3_600_000);

  it('resamples the bars on load', async () => {
    const r = await run({ strategy: 'buy-and-hold', data: [hourly], timeframe: '4h', cash: 100_000, size: 'qty:1' });
    expect(r.bars).toBe(12);
    expect(r.equity[1]!.time).toBe('2024-01-01T04:00:00.000Z');
    // Bought at the second 4h bar's open: the open of its first hour (hour 4: the previous close 103).
    expect(r.fills[0]).toMatchObject({ time: '2024-01-01T04:00:00.000Z', price: 103 });
    // Marked at the last 4h bar's close, the last hourly close 147.
    expect(r.finalValue).toBeCloseTo(100_000 - 103 + 147, 9);
    expect(r.params.timeframe).toBe('4h');
  });

  it('refuses a timeframe finer than the data, or not a whole number of its bars', async () => {
    await expect(run({ strategy: 'buy-and-hold', data: [hourly], timeframe: '15m' })).rejects.toThrow(ConfigError);
    await expect(run({ strategy: 'buy-and-hold', data: [hourly], timeframe: '15m' })).rejects.toThrow(/finer than the data: HOURLY has 1h bars/);
    await expect(run({ strategy: 'buy-and-hold', data: [hourly], timeframe: '90m' })).rejects.toThrow(/not a whole number/);
    await expect(run({ strategy: 'buy-and-hold', data: [hourly], timeframe: '4x' })).rejects.toMatchObject({ where: { field: '--timeframe' } });
  });
});

describe('research runs use the same instrument settings', () => {
  it('leaves the fast kernel for the event engine when the instrument is margined or fractional, and records asset and timeframe', async () => {
    const plain = await prepareResearchRunner({ strategy: 'sma-cross', data: [FUT], space: 'fast=3:5' });
    expect(plain.ctx.engine).toBe('fast');
    const fut = await prepareResearchRunner({ strategy: 'sma-cross', data: [FUT], space: 'fast=3:5', asset: 'future', instrument: ['multiplier=10', 'margin=1000'], timeframe: '1w' });
    expect(fut.ctx.engine).toBe('event');
    expect(fut.ctx.settings).toMatchObject({ asset: 'future', timeframe: '1w' });
    // 120 daily bars from Monday 2024-01-01 make 18 calendar weeks.
    expect(fut.ctx.bars).toBe(18);
    const crypto = await prepareResearchRunner({ strategy: 'sma-cross', data: [BTC], space: 'fast=3:5', asset: 'crypto' });
    expect(crypto.ctx.engine).toBe('event');
  });
});
