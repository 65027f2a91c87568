// `sextant risk`: the report of a saved backtest run, from hand-built run files with hand-computed
// VaR, stress and limit numbers, and from a real `runBacktest` report.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, InputError } from '../../src/core/errors.ts';
import { normInv, normPdf } from '../../src/risk/options/index.ts';
import { horizonReturns, parseRiskRun, riskReportOf, runRiskReport } from '../../src/app/risk-report.ts';
import { runBacktest } from '../../src/app/backtest.ts';
import { JsonFile } from '../../src/app/dto/index.ts';
import { riskCommand } from '../../src/cli/risk-command.ts';

const dir = mkdtempSync(join(tmpdir(), 'sextant-risk-'));
const day = (i: number): string => new Date(Date.UTC(2024, 0, 1 + i)).toISOString();

/** A run file with an equity curve and optional positions and prices. */
function runJson(equity: readonly number[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { params: { strategy: 'test' }, equity: equity.map((e, i) => ({ time: day(i), equity: e })), openPositions: [], ...extra };
}
function write(name: string, body: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof body === 'string' ? body : JSON.stringify(body));
  return path;
}

// Equity returns +10%, −10%, +5%, −20%; final equity 831.6.
const CURVE = [1000, 1100, 990, 1039.5, 831.6];
const R = [0.1, -0.1, 0.05, -0.2];

describe('VaR from the equity curve (no per-symbol prices)', () => {
  it.each([
    // n = 4, tail a = n(1 − c). c = 0.75: a = 1, VaR = 2nd worst loss (10% of 831.6), CVaR = worst (20%).
    [0.75, 1, 83.16, 166.32],
    // c = 0.5: a = 2, VaR = 3rd worst (a 5% gain), CVaR = mean of the two worst.
    [0.5, 1, -41.58, 124.74],
    // 2-bar overlapping returns −1%, −5.5%, −16%; c = 0.5: a = 1.5, VaR = 2nd worst, CVaR = (16% + 0.5 × 5.5%) / 1.5.
    [0.5, 2, 0.055 * 831.6, ((0.16 + 0.5 * 0.055) / 1.5) * 831.6],
  ] as const)('historical at c = %d over %d bar(s): VaR %d, CVaR %d', (confidence, horizon, v, cv) => {
    const r = riskReportOf(parseRiskRun(JsonFile.ofValue('run.json', runJson(CURVE))), { confidence, horizon });
    expect(r.basis).toBe('equity-curve');
    expect(r.var.historical.var).toBeCloseTo(v, 9);
    expect(r.var.historical.cvar).toBeCloseTo(cv, 9);
    expect(r.var.historical.varPct).toBeCloseTo(v / 831.6, 12);
    expect(r.var.historical.horizonPeriods).toBe(horizon);
    expect(r.var.historical.samples).toBe(4 - (horizon - 1));
  });

  it.each([1, 3])('parametric over %d bar(s) is −μh + z σ √h of the equity times the per-bar returns', (h) => {
    const r = riskReportOf(parseRiskRun(JsonFile.ofValue('run.json', runJson(CURVE))), { confidence: 0.99, horizon: h });
    const mu = R.reduce((a, b) => a + b, 0) / 4;
    const sd = Math.sqrt(R.reduce((a, x) => a + (x - mu) ** 2, 0) / 3);
    const z = normInv(0.99);
    expect(r.var.parametric.var).toBeCloseTo(831.6 * (-mu * h + z * sd * Math.sqrt(h)), 9);
    expect(r.var.parametric.cvar).toBeCloseTo(831.6 * (-mu * h + (sd * Math.sqrt(h) * normPdf(z)) / 0.01), 9);
  });

  it('Monte Carlo is seeded: the same run gives the same figures, near the parametric ones', () => {
    const run = parseRiskRun(JsonFile.ofValue('run.json', runJson(CURVE)));
    const a = riskReportOf(run, { confidence: 0.95, simulations: 20_000 });
    const b = riskReportOf(run, { confidence: 0.95, simulations: 20_000 });
    expect(a.var.monteCarlo).toEqual(b.var.monteCarlo);
    expect(a.var.monteCarlo.samples).toBe(20_000);
    expect(Math.abs(a.var.monteCarlo.var / a.var.parametric.var - 1)).toBeLessThan(0.03);
  });

  it('says why it used the equity curve and starts returns after a ruined point', () => {
    const r = riskReportOf(parseRiskRun(JsonFile.ofValue('run.json', runJson([1000, -5, 100, 110, 99]))), { confidence: 0.5 });
    expect(r.returns.observations).toBe(2);
    expect(r.returns.from).toBe(day(3));
    expect(r.notes.join('\n')).toMatch(/no per-symbol prices/);
    expect(r.notes.join('\n')).toMatch(/not positive at 2024-01-02/);
  });
});

describe('VaR of the end-of-run positions (the run carries prices)', () => {
  // A: 10 long at 99 (technology); B: 5 short at 44 (no sector). Returns A [+10%, −10%, 0], B [0, +10%, −20%]:
  // PnL 990 × rA − 220 × rB = [99, −121, 44]. c = 0.5: a = 1.5, VaR = 2nd worst loss (a 44 gain), CVaR = (121 − 0.5 × 44) / 1.5 = 66.
  const run = runJson([10_000, 10_099, 9978, 10_022], {
    finalValue: 10_022,
    openPositions: [
      { symbol: 'A', qty: 10, avgPrice: 95, lastPrice: 99, marketValue: 990, unrealizedPnl: 40, sector: 'technology' },
      { symbol: 'B', qty: -5, avgPrice: 50, lastPrice: 44, marketValue: -220, unrealizedPnl: 30 },
    ],
    prices: { A: [100, 110, 99, 99], B: [50, 50, 55, 44] },
  });

  it('revalues today\'s positions under each bar\'s returns', () => {
    const r = riskReportOf(parseRiskRun(JsonFile.ofValue('run.json', run)), { confidence: 0.5 });
    expect(r.basis).toBe('positions');
    expect(r.var.historical.var).toBeCloseTo(-44, 9);
    expect(r.var.historical.cvar).toBeCloseTo(66, 9);
    expect(r.grossExposure).toBe(1210);
    expect(r.netExposure).toBe(770);
  });

  it('stresses each position by its sector, or the equity default without one, worst scenario first', () => {
    const r = riskReportOf(parseRiskRun(JsonFile.ofValue('run.json', run)));
    expect(r.stress.map((s) => [s.scenario, Number(s.pnl.toFixed(6))])).toEqual([
      ['gfc-2007-2009', -399.289], // 990 × −52.95% − 220 × −56.78%
      ['gfc-2008', -347.754], // 990 × −43.68% − 220 × −38.49%
      ['rates-2022', -284.922], // 990 × −33.10% − 220 × −19.44%
      ['covid-2020', -261.184], // 770 × −33.92%
      ['crash-1987', -157.619], // 770 × −20.47%
    ]);
    expect(r.stress[0]!.positions.map((p) => [p.symbol, p.shock, p.source])).toEqual([['A', -0.5295, 'sector'], ['B', -0.5678, 'asset-class']]);
    expect(r.stress[0]!.pnlPctOfEquity).toBeCloseTo(-399.289 / 10_022, 12);
  });

  it('measures limit usage against the RiskConfigSchema defaults (5% per symbol, 25% per sector, 3x gross)', () => {
    const r = riskReportOf(parseRiskRun(JsonFile.ofValue('run.json', run)));
    expect(r.limits.positions.map((l) => [l.name, Number(l.value.toFixed(6)), l.max, l.breached])).toEqual([
      ['A', Number(((990 / 10_022) * 100).toFixed(6)), 5, true],
      ['B', Number(((220 / 10_022) * 100).toFixed(6)), 5, false],
    ]);
    expect(r.limits.sectors.map((l) => [l.name, l.max, l.usage === null ? null : Number(l.usage.toFixed(9)), l.breached])).toEqual([
      ['technology', 25, Number(((990 / 10_022) * 100 / 25).toFixed(9)), false],
      ['unknown', null, null, false],
    ]);
    expect(r.limits.grossLeverage).toMatchObject({ name: 'gross', max: 3, breached: false });
    expect(r.limits.grossLeverage.value).toBeCloseTo(1210 / 10_022, 12);
  });

  it('uses limits it is given instead of the defaults', () => {
    const r = riskReportOf(parseRiskRun(JsonFile.ofValue('run.json', run)), { limits: { maxPositionPct: 10, maxGrossLeverage: 0.1 } });
    expect(r.limits.positions.map((l) => l.breached)).toEqual([false, false]);
    expect(r.limits.grossLeverage.breached).toBe(true);
  });

  it('falls back to the equity curve when a held symbol has no prices, and says so', () => {
    const partial = { ...run, prices: { A: [100, 110, 99, 99] } };
    const r = riskReportOf(parseRiskRun(JsonFile.ofValue('run.json', partial)));
    expect(r.basis).toBe('equity-curve');
    expect(r.notes.join('\n')).toMatch(/no prices for B/);
  });
});

describe('run file validation', () => {
  it.each([
    ['a missing equity array', { openPositions: [] }, 'equity'],
    ['too few equity points', runJson([1, 2]), 'equity'],
    ['an equity value that is not a number', { ...runJson(CURVE), equity: [{ time: day(0), equity: 1 }, { time: day(1), equity: 'x' }, { time: day(2), equity: 1 }] }, 'equity[1].equity'],
    ['times out of order', { ...runJson(CURVE), equity: [{ time: day(1), equity: 1 }, { time: day(0), equity: 1 }, { time: day(2), equity: 1 }] }, 'equity[1].time'],
    ['a missing openPositions', { equity: runJson(CURVE).equity }, 'openPositions'],
    ['a position without a last price', runJson(CURVE, { openPositions: [{ symbol: 'A', qty: 1 }] }), 'openPositions[0].lastPrice'],
    ['a symbol listed twice', runJson(CURVE, { openPositions: [{ symbol: 'A', qty: 1, lastPrice: 1 }, { symbol: 'A', qty: 1, lastPrice: 1 }] }), 'openPositions[1].symbol'],
    ['prices of the wrong length', runJson(CURVE, { prices: { A: [1, 2] } }), 'prices.A'],
    ['a non-positive price', runJson(CURVE, { prices: { A: [1, 2, 0, 1, 1] } }), 'prices.A[2]'],
  ])('%s is an InputError naming the file and the field', (_name, body, field) => {
    const path = write(`bad-${field.replace(/\W/g, '_')}.json`, body);
    let error: unknown = null;
    try {
      runRiskReport({ run: path });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).where).toMatchObject({ file: path, field });
    expect((error as InputError).where.line).toBeGreaterThanOrEqual(1);
    expect((error as InputError).message).toContain(path);
  });

  it('a file that is not JSON, or not there, is an InputError naming it', () => {
    const path = write('broken.json', '{"equity": [');
    expect(() => runRiskReport({ run: path })).toThrow(InputError);
    expect(() => runRiskReport({ run: path })).toThrow(/broken\.json: not valid JSON/);
    expect(() => runRiskReport({ run: join(dir, 'missing.json') })).toThrow(/missing\.json, field "run": cannot read/);
  });

  it.each([
    [{ confidence: 1 }, 'confidence'],
    [{ confidence: 0 }, 'confidence'],
    [{ horizon: 1.5 }, 'horizon'],
    [{ horizon: 4 }, 'equity'],
  ])('rejects %j naming %s', (opts, field) => {
    expect(() => riskReportOf(parseRiskRun(JsonFile.ofValue('run.json', runJson(CURVE))), opts)).toThrow(`field "${field}"`);
  });

  it('horizonReturns compounds over overlapping windows', () => {
    expect([...horizonReturns([100, 110, 121, 133.1], 2)].map((x) => Number(x.toFixed(12)))).toEqual([0.21, 0.21]);
  });
});

describe('sextant risk', () => {
  it('prints VaR, stress and limits and writes the same report as JSON', async () => {
    const run = write('cli-run.json', runJson(CURVE, { openPositions: [{ symbol: 'A', qty: 8, lastPrice: 100, marketValue: 800 }] }));
    const json = join(dir, 'cli-out.json');
    let out = '';
    const code = await riskCommand(['--run', run, '--json', json, '--confidence', '0.75', '--horizon', '1'], (s) => (out += `${s}\n`));
    expect(code).toBe(0);
    expect(out).toContain('VaR basis: equity-curve (4 bar returns');
    expect(out).toMatch(/historical\s+83\.16\s+10\.00%\s+166\.32\s+20\.00%\s+4/);
    expect(out).toMatch(/position A\s+96\.20%\s+5\.00%\s+1924%\s+BREACH/);
    expect(out).toMatch(/crash-1987\s+-163\.76/);
    const saved = JSON.parse(readFileSync(json, 'utf8')) as { var: { historical: { var: number } }; confidence: number };
    expect(saved.confidence).toBe(0.75);
    expect(saved.var.historical.var).toBeCloseTo(83.16, 9);
  });

  it.each([
    [[], /--run is required/],
    [['--run', 'x.json', '--level', '2'], /unknown flag --level/],
    [['--run', 'x.json', '--confidence', 'high'], /--confidence must be a decimal number/],
  ])('%j is a ConfigError', async (argv, message) => {
    await expect(riskCommand(argv, () => {})).rejects.toThrow(ConfigError);
    await expect(riskCommand(argv, () => {})).rejects.toThrow(message);
  });
});

describe('on a real backtest report', () => {
  it('reads what `backtest --json` writes: buy-and-hold on the synthetic market ends with open positions', async () => {
    const report = await runBacktest({ strategy: 'buy-and-hold', benchmark: false });
    const path = write('real.json', JSON.parse(JSON.stringify(report)));
    const r = runRiskReport({ run: path, confidence: 0.95 });
    expect(report.openPositions.length).toBeGreaterThan(0);
    expect(r.positions.map((p) => [p.symbol, p.value])).toEqual(report.openPositions.map((p) => [p.symbol, p.marketValue]));
    expect(r.grossExposure).toBeCloseTo(report.openPositions.reduce((s, p) => s + Math.abs(p.marketValue), 0), 6);
    expect(r.equity).toBe(report.finalValue);
    expect(r.returns.observations).toBe(report.equity.length - 1);
    expect(r.var.historical.var).toBeGreaterThan(0);
    expect(r.var.historical.cvar).toBeGreaterThanOrEqual(r.var.historical.var);
    expect(r.stress).toHaveLength(5);
  }, 60_000);
});
