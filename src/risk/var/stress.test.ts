import { describe, expect, it } from 'vitest';
import { InputError } from '../../core/errors.ts';
import {
  applyStress,
  BUILTIN_SCENARIOS,
  COVID_2020,
  CRASH_1987,
  defineScenario,
  GFC_2007_2009,
  GFC_2008,
  RATES_2022,
  SECTORS,
  shockFor,
  stressAll,
  type StressPosition,
} from './stress.ts';

const book: StressPosition[] = [
  { symbol: 'AAPL', sector: 'technology', assetClass: 'equity', value: 10_000 },
  { symbol: 'JPM', sector: 'financials', assetClass: 'equity', value: 5_000 },
  { symbol: 'XOM', sector: 'energy', assetClass: 'equity', value: 2_000 },
  { symbol: 'TLT', sector: 'government', assetClass: 'bond', value: 8_000 },
  { symbol: 'BTC', sector: 'crypto', assetClass: 'crypto', value: 1_000 },
];

describe('applyStress', () => {
  it('1987: every equity falls 20.47%, other classes are untouched', () => {
    const r = applyStress(book, CRASH_1987);
    expect(r.positions.map((p) => p.pnl)).toEqual([-2047, -1023.5, -409.4, 0, 0].map((x) => expect.closeTo(x, 9)));
    expect(r.totalPnl).toBeCloseTo(-3479.9, 9); // 17 000 of equities × −20.47%
    expect(r.positions[3]).toMatchObject({ shock: 0, source: 'none' });
    expect(r.totalValue).toBe(26_000);
    expect(r.pnlFraction).toBeCloseTo(-3479.9 / 26_000, 12);
  });

  it('2022: tech −33.1%, other equities −19.44%, energy +59%, bonds −15%', () => {
    const r = applyStress(book, RATES_2022);
    // −3310 − 972 + 1180 − 1200 + 0
    expect(r.positions.map((p) => p.pnl)).toEqual([-3310, -972, 1180, -1200, 0].map((x) => expect.closeTo(x, 9)));
    expect(r.totalPnl).toBeCloseTo(-4302, 9);
    expect(r.positions.map((p) => p.source)).toEqual(['sector', 'asset-class', 'sector', 'asset-class', 'none']);
  });

  it('2008: financials fall most (−56.95%) against −38.49% for the index', () => {
    const r = applyStress(book, GFC_2008);
    // −4368 − 2847.5 − 718.6
    expect(r.totalPnl).toBeCloseTo(-7934.1, 9);
    const fin = r.positions.find((p) => p.symbol === 'JPM')!;
    expect(fin.shock).toBe(-0.5695);
    expect(Math.min(...Object.values(GFC_2008.byAssetClass.equity!.bySector!))).toBe(-0.5695);
  });

  it('a short position gains when the scenario falls', () => {
    const r = applyStress([{ symbol: 'SPY', sector: 'index', assetClass: 'equity', value: -1000 }], CRASH_1987);
    expect(r.totalPnl).toBeCloseTo(204.7, 9);
  });

  it('symbol shocks win over sector shocks, which win over the class default', () => {
    const s = defineScenario({
      id: 'custom',
      name: 'Custom',
      description: 'user table',
      byAssetClass: { Equity: { default: -0.1, bySector: { Technology: -0.3 } } },
      bySymbol: { AAPL: -0.5 },
    });
    expect(shockFor(s, { symbol: 'AAPL', sector: 'technology', assetClass: 'equity' })).toEqual({ shock: -0.5, source: 'symbol' });
    expect(shockFor(s, { symbol: 'MSFT', sector: 'TECHNOLOGY', assetClass: 'equity' })).toEqual({ shock: -0.3, source: 'sector' });
    expect(shockFor(s, { symbol: 'KO', sector: 'consumer-staples', assetClass: 'EQUITY' })).toEqual({ shock: -0.1, source: 'asset-class' });
    expect(shockFor(s, { symbol: 'TLT', sector: 'government', assetClass: 'bond' })).toEqual({ shock: 0, source: 'none' });
    const r = applyStress(book, s);
    // −5000 − 500 − 200
    expect(r.totalPnl).toBeCloseTo(-5700, 9);
  });

  it('rejects a user table with a shock below −100% or not a number', () => {
    const base = { id: 'bad', name: 'Bad', description: '' };
    expect(() => defineScenario({ ...base, byAssetClass: { equity: { default: -1.5 } } })).toThrow(InputError);
    expect(() => defineScenario({ ...base, byAssetClass: { equity: { default: 0, bySector: { energy: NaN } } } })).toThrow(/bySector.energy/);
    expect(() => applyStress(book, { ...base, byAssetClass: {}, bySymbol: { AAPL: -2 } })).toThrow(/bySymbol.AAPL/);
  });

  it('stressAll runs every built-in scenario, worst first', () => {
    const all = stressAll(book);
    expect(all.map((r) => r.scenario)).toHaveLength(BUILTIN_SCENARIOS.length);
    for (let i = 1; i < all.length; i++) expect(all[i]!.totalPnl).toBeGreaterThanOrEqual(all[i - 1]!.totalPnl);
    expect(all[0]!.scenario).toBe('gfc-2007-2009');
  });
});

describe('built-in scenarios', () => {
  it('are valid tables whose sector names are all known sectors', () => {
    const known = new Set<string>(SECTORS);
    for (const s of BUILTIN_SCENARIOS) {
      expect(() => defineScenario(s)).not.toThrow();
      for (const cls of Object.values(s.byAssetClass)) for (const sec of Object.keys(cls.bySector ?? {})) expect(known.has(sec), sec).toBe(true);
    }
    expect(new Set(BUILTIN_SCENARIOS.map((s) => s.id)).size).toBe(BUILTIN_SCENARIOS.length);
  });

  it('carry the documented headline moves', () => {
    expect(CRASH_1987.byAssetClass.equity!.default).toBeCloseTo(224.84 / 282.7 - 1, 4);
    expect(GFC_2008.byAssetClass.equity!.default).toBeCloseTo(903.25 / 1468.36 - 1, 4);
    expect(GFC_2007_2009.byAssetClass.equity!.default).toBeCloseTo(676.53 / 1565.15 - 1, 4);
    expect(COVID_2020.byAssetClass.equity!.default).toBeCloseTo(2237.4 / 3386.15 - 1, 4);
    expect(RATES_2022.byAssetClass.equity!.default).toBeCloseTo(3839.5 / 4766.18 - 1, 4);
    expect(RATES_2022.byAssetClass.equity!.bySector!.technology).toBeCloseTo(10466.48 / 15644.97 - 1, 4);
    // energy fell most in 2020; financials most in both 2008 tables
    const worst = (s: typeof GFC_2008): string =>
      Object.entries(s.byAssetClass.equity!.bySector!).reduce((a, b) => (b[1] < a[1] ? b : a))[0];
    expect(worst(COVID_2020)).toBe('energy');
    expect(worst(GFC_2008)).toBe('financials');
    expect(worst(GFC_2007_2009)).toBe('financials');
  });
});
