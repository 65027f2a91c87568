// `--asset` and `--instrument key=value`: what the instruments of a run are (contract size, margin,
// per-unit commission, tick and lot), checked here (ConfigError naming the flag and the key).
import { ConfigError } from '../core/errors.ts';
import { ALWAYS_OPEN, makeInstrument, type Instrument } from '../model/instrument.ts';
import type { InstrumentParamsDto } from './dto/run-report.ts';

export const ASSETS = ['equity', 'crypto', 'fx', 'future'] as const;
export type AssetFlag = (typeof ASSETS)[number];

/** The `--instrument` keys and the Instrument field each sets. */
export const INSTRUMENT_KEYS = {
  multiplier: 'multiplier',
  margin: 'margin',
  'commission-per-unit': 'commissionPerUnit',
  'min-commission': 'minCommission',
  tick: 'tickSize',
  lot: 'lotSize',
  'min-qty': 'minQty',
} as const satisfies Record<string, keyof Instrument>;
export type InstrumentKey = keyof typeof INSTRUMENT_KEYS;

type Overrides = Partial<Pick<Instrument, (typeof INSTRUMENT_KEYS)[InstrumentKey]>>;

/** What `--asset` starts from for file instruments; `--instrument` entries override it. */
const ASSET_PRESETS: Readonly<Record<AssetFlag, Partial<Instrument>>> = {
  // Whole shares, NYSE sessions (makeInstrument's equity).
  equity: { assetClass: 'equity' },
  // Fractional coins down to 1e-8 (a satoshi), around the clock.
  crypto: { assetClass: 'crypto', lotSize: 1e-8, minQty: 1e-8, tickSize: 0.01, calendar: ALWAYS_OPEN },
  // Units of the base currency, prices to 1e-5 (a tenth of a pip), around the clock.
  fx: { assetClass: 'fx', lotSize: 1, minQty: 1, tickSize: 0.00001, calendar: ALWAYS_OPEN },
  // Whole contracts; multiplier 1 and whole notional until --instrument multiplier=... margin=... say otherwise.
  future: { assetClass: 'future', lotSize: 1, minQty: 1, tickSize: 0.01, multiplier: 1, sector: 'futures', calendar: ALWAYS_OPEN },
};

export interface InstrumentSettings {
  readonly asset: AssetFlag;
  /** Only the keys given on the command line. */
  readonly overrides: Overrides;
}

export const DEFAULT_INSTRUMENT_SETTINGS: InstrumentSettings = { asset: 'equity', overrides: {} };

/** Parses `--asset` and the `--instrument key=value` entries. */
export function parseInstrumentSettings(asset: string | undefined, given: readonly string[] | Readonly<Record<string, string>> | undefined): InstrumentSettings {
  const entries = given === undefined ? [] : isEntryList(given) ? given : Object.entries(given).map(([k, v]) => `${k}=${v}`);
  const a = asset ?? 'equity';
  if (!(ASSETS as readonly string[]).includes(a)) throw new ConfigError(`--asset must be one of ${ASSETS.join(', ')}, got "${a}"`, { field: '--asset' });
  const overrides: Record<string, number> = {};
  const seen = new Set<string>();
  for (const entry of entries) {
    const eq = entry.indexOf('=');
    if (eq <= 0) throw new ConfigError(`expected key=value, got "${entry}" (keys: ${Object.keys(INSTRUMENT_KEYS).join(', ')})`, { field: '--instrument' });
    const key = entry.slice(0, eq).trim();
    const text = entry.slice(eq + 1).trim();
    if (!(key in INSTRUMENT_KEYS)) throw new ConfigError(`unknown key "${key}" (keys: ${Object.keys(INSTRUMENT_KEYS).join(', ')})`, { field: '--instrument' });
    if (seen.has(key)) throw new ConfigError(`${key} is given twice`, { field: '--instrument' });
    seen.add(key);
    if (!/^(\d+(\.\d*)?|\.\d+)$/.test(text)) throw new ConfigError(`${key} must be a decimal number such as 10 or 0.25, got "${text}"`, { field: '--instrument' });
    const value = Number(text);
    if (!(value > 0) || !Number.isFinite(value)) throw new ConfigError(`${key} must be positive, got "${text}"`, { field: '--instrument' });
    overrides[INSTRUMENT_KEYS[key as InstrumentKey]] = value;
  }
  // A lot smaller than the preset's minimum quantity would round every order to nothing.
  if (overrides.lotSize !== undefined && overrides.minQty === undefined) overrides.minQty = overrides.lotSize;
  return { asset: a as AssetFlag, overrides };
}

function isEntryList(x: readonly string[] | Readonly<Record<string, string>>): x is readonly string[] {
  return Array.isArray(x);
}

/** True when the settings change nothing (whole shares of an equity, as a plain CSV gives). */
export function isDefaultInstrument(s: InstrumentSettings): boolean {
  return s.asset === 'equity' && Object.keys(s.overrides).length === 0;
}

/** `inst` as the run's `--asset` and `--instrument` describe it (symbol and sector kept). */
export function applyInstrumentSettings(inst: Instrument, s: InstrumentSettings): Instrument {
  if (isDefaultInstrument(s)) return inst;
  const preset = ASSET_PRESETS[s.asset];
  const base = makeInstrument(inst.symbol, { ...preset, sector: preset.sector ?? inst.sector });
  return { ...base, ...s.overrides };
}

/** The instrument fields a report shows (params.instrument). */
export function instrumentParams(inst: Instrument): InstrumentParamsDto {
  return {
    assetClass: inst.assetClass, multiplier: inst.multiplier, margin: inst.margin ?? null, commissionPerUnit: inst.commissionPerUnit ?? null,
    minCommission: inst.minCommission ?? null, tickSize: inst.tickSize, lotSize: inst.lotSize, minQty: inst.minQty,
  };
}
