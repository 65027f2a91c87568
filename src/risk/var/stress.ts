// Stress scenarios: instantaneous percentage shocks by symbol, sector and asset class, applied to
// position values. Built-in tables replay historical moves; their numbers and sources are listed in
// docs/risk-math.md. Shocks are fractions: -0.205 is a fall of 20.5%.
import { InputError } from '../../core/errors.ts';

/** Shocks for one asset class: a default and optional per-sector overrides. */
export interface AssetClassShock {
  /** Shock for positions of this class whose sector is not listed. */
  readonly default: number;
  /** Shock by sector name (matched case-insensitively). */
  readonly bySector?: Readonly<Record<string, number>>;
}

export interface StressScenario {
  /** Identifier, e.g. 'crash-1987'. */
  readonly id: string;
  readonly name: string;
  /** What moved, over which window, and where the numbers come from. */
  readonly description: string;
  /** Shocks by asset class name (matched case-insensitively), e.g. 'equity', 'bond'. */
  readonly byAssetClass: Readonly<Record<string, AssetClassShock>>;
  /** Shocks for named symbols; they win over sector and asset-class shocks. */
  readonly bySymbol?: Readonly<Record<string, number>>;
}

export interface StressPosition {
  readonly symbol: string;
  /** Sector, e.g. 'technology', 'financials' (see SECTORS); matched case-insensitively. */
  readonly sector: string;
  /** Asset class, e.g. 'equity', 'bond', 'commodity', 'crypto', 'fx'. */
  readonly assetClass: string;
  /** Signed market value (short < 0). For options pass the delta-equivalent value. */
  readonly value: number;
}

/** Which entry of the table produced a position's shock. */
export type ShockSource = 'symbol' | 'sector' | 'asset-class' | 'none';

export interface StressPositionResult {
  readonly symbol: string;
  readonly value: number;
  /** Shock applied (fraction). */
  readonly shock: number;
  readonly source: ShockSource;
  /** value × shock: negative is a loss. */
  readonly pnl: number;
}

export interface StressResult {
  readonly scenario: string;
  readonly positions: readonly StressPositionResult[];
  /** Σ pnl (negative is a loss). */
  readonly totalPnl: number;
  /** Σ value before the shock. */
  readonly totalValue: number;
  /** totalPnl / Σ|value| (0 for an empty book). */
  readonly pnlFraction: number;
}

/** Sector names used by the built-in scenarios (GICS sectors, kebab-case). */
export const SECTORS = [
  'communication-services',
  'consumer-discretionary',
  'consumer-staples',
  'energy',
  'financials',
  'health-care',
  'industrials',
  'materials',
  'real-estate',
  'technology',
  'utilities',
] as const;

export type Sector = (typeof SECTORS)[number];

const key = (s: string): string => s.trim().toLowerCase();

function lookup(table: Readonly<Record<string, number>> | undefined, name: string): number | undefined {
  if (!table) return undefined;
  if (Object.hasOwn(table, name)) return table[name];
  const k = key(name);
  for (const [n, v] of Object.entries(table)) if (key(n) === k) return v;
  return undefined;
}

function lookupClass(table: Readonly<Record<string, AssetClassShock>>, name: string): AssetClassShock | undefined {
  const k = key(name);
  for (const [n, v] of Object.entries(table)) if (key(n) === k) return v;
  return undefined;
}

/** Checks that every shock is a finite fraction ≥ −1 (nothing falls more than 100%). */
export function validateScenario(s: StressScenario): void {
  const bad = (where: string, x: number): never => {
    throw new InputError(`scenario ${s.id}: shock ${x} ${where} must be a finite fraction >= -1`, { field: where });
  };
  const check = (where: string, x: number): void => {
    if (!(Number.isFinite(x) && x >= -1)) bad(where, x);
  };
  for (const [cls, c] of Object.entries(s.byAssetClass)) {
    check(`byAssetClass.${cls}.default`, c.default);
    for (const [sec, x] of Object.entries(c.bySector ?? {})) check(`byAssetClass.${cls}.bySector.${sec}`, x);
  }
  for (const [sym, x] of Object.entries(s.bySymbol ?? {})) check(`bySymbol.${sym}`, x);
}

/**
 * The shock a scenario gives one position: by symbol, else by sector within the asset class, else
 * the asset class default, else none (0).
 */
export function shockFor(scenario: StressScenario, p: Omit<StressPosition, 'value'>): { readonly shock: number; readonly source: ShockSource } {
  const bySymbol = lookup(scenario.bySymbol, p.symbol);
  if (bySymbol !== undefined) return { shock: bySymbol, source: 'symbol' };
  const cls = lookupClass(scenario.byAssetClass, p.assetClass);
  if (cls) {
    const bySector = lookup(cls.bySector, p.sector);
    if (bySector !== undefined) return { shock: bySector, source: 'sector' };
    return { shock: cls.default, source: 'asset-class' };
  }
  return { shock: 0, source: 'none' };
}

/** PnL of each position and of the book under a scenario: value × shock. */
export function applyStress(positions: readonly StressPosition[], scenario: StressScenario): StressResult {
  validateScenario(scenario);
  let totalPnl = 0;
  let totalValue = 0;
  let gross = 0;
  const out = positions.map((p) => {
    if (!Number.isFinite(p.value)) throw new InputError(`position ${p.symbol}: value ${p.value} is not finite`, { field: 'value' });
    const { shock, source } = shockFor(scenario, p);
    const pnl = p.value * shock;
    totalPnl += pnl;
    totalValue += p.value;
    gross += Math.abs(p.value);
    return { symbol: p.symbol, value: p.value, shock, source, pnl };
  });
  return { scenario: scenario.id, positions: out, totalPnl, totalValue, pnlFraction: gross > 0 ? totalPnl / gross : 0 };
}

/** Runs every scenario (the built-ins by default), worst total first. */
export function stressAll(positions: readonly StressPosition[], scenarios: readonly StressScenario[] = BUILTIN_SCENARIOS): StressResult[] {
  return scenarios.map((s) => applyStress(positions, s)).sort((a, b) => a.totalPnl - b.totalPnl);
}

/** A user-defined table; validated at once so a typo fails when it is loaded, not when it is used. */
export function defineScenario(s: StressScenario): StressScenario {
  validateScenario(s);
  return s;
}

/** Black Monday, 19 October 1987: S&P 500 282.70 → 224.84 in one day (−20.47%). */
export const CRASH_1987: StressScenario = {
  id: 'crash-1987',
  name: 'Black Monday 1987',
  description: 'One-day move of 19 Oct 1987: S&P 500 282.70 -> 224.84 (-20.47%), applied to all equities; no sector detail.',
  byAssetClass: { equity: { default: -0.2047 } },
};

/** Calendar year 2008: S&P 500 and its sectors, price returns (S&P Dow Jones Indices via CNBC, 31 Dec 2008). */
export const GFC_2008: StressScenario = {
  id: 'gfc-2008',
  name: 'Global financial crisis, calendar 2008',
  description: 'S&P 500 -38.49% (1468.36 -> 903.25) and S&P 500 sector price returns for 2008; financials worst.',
  byAssetClass: {
    equity: {
      default: -0.3849,
      bySector: {
        financials: -0.5695,
        materials: -0.4705,
        technology: -0.4368,
        industrials: -0.4152,
        energy: -0.3593,
        'consumer-discretionary': -0.3472,
        'communication-services': -0.3361,
        utilities: -0.3155,
        'health-care': -0.2448,
        'consumer-staples': -0.1766,
      },
    },
  },
};

/** Peak to trough 9 Oct 2007 → 9 Mar 2009: S&P 500 and its sectors (S&P's table of the two bear markets). */
export const GFC_2007_2009: StressScenario = {
  id: 'gfc-2007-2009',
  name: 'Global financial crisis, peak to trough',
  description: 'S&P 500 -56.78% (1565.15 -> 676.53, 9 Oct 2007 - 9 Mar 2009) and S&P 500 sector declines over the same window.',
  byAssetClass: {
    equity: {
      default: -0.5678,
      bySector: {
        financials: -0.8262,
        industrials: -0.6515,
        materials: -0.5955,
        'consumer-discretionary': -0.5801,
        technology: -0.5295,
        'communication-services': -0.5072,
        energy: -0.4676,
        utilities: -0.4587,
        'health-care': -0.3988,
        'consumer-staples': -0.3123,
      },
    },
  },
};

/** COVID crash, 19 Feb → 23 Mar 2020: S&P 500 3386.15 → 2237.40 (−33.92%); energy worst, staples least. */
export const COVID_2020: StressScenario = {
  id: 'covid-2020',
  name: 'COVID-19 crash 2020',
  description: 'S&P 500 -33.92% (3386.15 -> 2237.40, 19 Feb - 23 Mar 2020); energy sector -56%, consumer staples -24.3% over the same window.',
  byAssetClass: {
    equity: { default: -0.3392, bySector: { energy: -0.56, 'consumer-staples': -0.243 } },
  },
};

/** Rates shock, calendar 2022: stocks and bonds fell together. */
export const RATES_2022: StressScenario = {
  id: 'rates-2022',
  name: 'Rates shock 2022',
  description:
    'Calendar 2022: S&P 500 -19.44% (4766.18 -> 3839.50); technology -33.10% (Nasdaq Composite 15644.97 -> 10466.48); ' +
    'communication services -40%; energy +59%; bonds -15% (10-year US Treasury total return).',
  byAssetClass: {
    equity: { default: -0.1944, bySector: { technology: -0.331, 'communication-services': -0.4, energy: 0.59 } },
    bond: { default: -0.15 },
  },
};

export const BUILTIN_SCENARIOS: readonly StressScenario[] = [CRASH_1987, GFC_2008, GFC_2007_2009, COVID_2020, RATES_2022];
