import { describe, expect, it } from 'vitest';
import { ConfigError } from '../core/errors.ts';
import { makeInstrument } from '../model/instrument.ts';
import { applyInstrumentSettings, parseInstrumentSettings } from './instrument-flags.ts';
import { checkRunSettings, RUN_DEFAULTS } from './run-settings.ts';

function configError(f: () => unknown): ConfigError {
  try {
    f();
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('no error');
}

describe('--asset and --instrument', () => {
  it('parses every key into the instrument field it sets', () => {
    const s = parseInstrumentSettings('future', ['multiplier=10', 'margin=1000', 'commission-per-unit=2', 'min-commission=1.5', 'tick=0.25', 'lot=1', 'min-qty=2']);
    expect(s).toEqual({ asset: 'future', overrides: { multiplier: 10, margin: 1000, commissionPerUnit: 2, minCommission: 1.5, tickSize: 0.25, lotSize: 1, minQty: 2 } });
    const inst = applyInstrumentSettings(makeInstrument('ES', { sector: 'index' }), s);
    expect(inst).toMatchObject({ symbol: 'ES', assetClass: 'future', multiplier: 10, margin: 1000, commissionPerUnit: 2, minCommission: 1.5, tickSize: 0.25, lotSize: 1, minQty: 2, calendar: { kind: '24/7' } });
  });

  it('takes the same entries as a key -> value record', () => {
    expect(parseInstrumentSettings(undefined, { multiplier: '10', margin: '1000' }).overrides).toEqual({ multiplier: 10, margin: 1000 });
  });

  it('gives crypto fractional lots of 1e-8 traded around the clock, and a lot sets the minimum quantity', () => {
    const crypto = applyInstrumentSettings(makeInstrument('BTCUSD'), parseInstrumentSettings('crypto', []));
    expect(crypto).toMatchObject({ assetClass: 'crypto', lotSize: 1e-8, minQty: 1e-8, multiplier: 1, calendar: { kind: '24/7' } });
    const shares = applyInstrumentSettings(makeInstrument('X'), parseInstrumentSettings(undefined, ['lot=0.001']));
    expect(shares).toMatchObject({ assetClass: 'equity', lotSize: 0.001, minQty: 0.001 });
    // A future without --instrument is one contract of multiplier 1 paid in full.
    expect(applyInstrumentSettings(makeInstrument('F'), parseInstrumentSettings('future', []))).toMatchObject({ multiplier: 1, lotSize: 1 });
    expect(applyInstrumentSettings(makeInstrument('F'), parseInstrumentSettings('future', [])).margin).toBeUndefined();
  });

  it('leaves an instrument alone without flags', () => {
    const inst = makeInstrument('X');
    expect(applyInstrumentSettings(inst, parseInstrumentSettings(undefined, undefined))).toBe(inst);
  });

  it.each([
    [['size=3'], '--instrument', 'unknown key "size"'],
    [['multiplier'], '--instrument', 'expected key=value'],
    [['multiplier=0x10'], '--instrument', 'multiplier must be a decimal number'],
    [['margin=1e3'], '--instrument', 'margin must be a decimal number'],
    [['tick=-0.01'], '--instrument', 'tick must be a decimal number'],
    [['lot=0'], '--instrument', 'lot must be positive'],
    [['commission-per-unit='], '--instrument', 'commission-per-unit must be a decimal number'],
    [['margin=1000', 'margin=2000'], '--instrument', 'margin is given twice'],
  ])('refuses %j with a ConfigError naming the key', (entries, field, text) => {
    const e = configError(() => parseInstrumentSettings(undefined, entries));
    expect(e.where.field).toBe(field);
    expect(e.message).toContain(text);
  });

  it('refuses an unknown asset class', () => {
    const e = configError(() => parseInstrumentSettings('bonds', []));
    expect(e.where.field).toBe('--asset');
    expect(e.message).toContain('equity, crypto, fx, future');
  });
});

describe('run settings', () => {
  it('lists the settings left at their RUN_DEFAULTS value', () => {
    const s = checkRunSettings({ cash: 5000, commission: 0.001 });
    expect(s.defaulted).toEqual(['slippageBps', 'size', 'fill', 'account', 'leverage', 'asset']);
    expect(s.sizeText).toBe(RUN_DEFAULTS.size);
    expect(checkRunSettings({}).defaulted).toEqual(Object.keys(RUN_DEFAULTS));
  });

  it('parses --timeframe, 1w as calendar weeks and 1M as calendar months', () => {
    expect(checkRunSettings({ timeframe: '4h' }).timeframe).toBe(4 * 3_600_000);
    expect(checkRunSettings({ timeframe: '1w' }).timeframe).toBe('W');
    expect(checkRunSettings({ timeframe: '1M' }).timeframe).toBe('M');
    expect(checkRunSettings({ timeframe: '1m' }).timeframe).toBe(60_000);
    for (const bad of ['', 'daily', '0h', '1.5h']) expect(configError(() => checkRunSettings({ timeframe: bad })).where.field).toBe('--timeframe');
  });
});
