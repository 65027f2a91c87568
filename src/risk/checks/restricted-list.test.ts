import { describe, expect, it } from 'vitest';
import type { OrderSide } from '../../model/order.ts';
import { RiskEngine } from '../risk-engine.ts';
import { riskChecksFromConfig } from './config.ts';
import { makeOrder, viewWithout } from './fixtures.ts';
import { restrictedListCheck, restrictionBoundMs, type RestrictedEntry } from './restricted-list.ts';
import { MemoryRiskView } from './view.ts';

const at = (iso: string): number => Date.parse(iso);

describe('restricted list: symbols or issuers, with effective dates', () => {
  const entries: RestrictedEntry[] = [
    { symbol: 'GME' },
    { symbol: 'NVDA', from: '2024-03-01', to: '2024-03-15', reason: 'earnings blackout' },
    { issuer: 'Acme Corp', from: '2024-01-02T14:30:00Z', reason: 'MNPI: deal team' },
    { issuer: 'Old Co', to: '2023-12-31' },
  ];
  const check = restrictedListCheck(entries);
  const issuers = { ACME: 'Acme Corp', 'ACME.B': 'ACME CORP ', OLD: 'Old Co', AAPL: 'Apple Inc.' };
  type Row = [label: string, symbol: string, now: string, reason: string | null];
  const rows: Row[] = [
    ['an undated symbol is restricted at any time', 'GME', '2020-01-01T00:00:00Z', 'GME is on the restricted list'],
    ['a dated symbol before its first day passes', 'NVDA', '2024-02-29T23:59:59.999Z', null],
    ['a dated symbol on its first day (00:00 UTC, inclusive) is denied', 'NVDA', '2024-03-01T00:00:00Z', 'NVDA is on the restricted list from 2024-03-01 to 2024-03-15: earnings blackout'],
    ['a dated symbol on its last day (inclusive) is denied', 'NVDA', '2024-03-15T23:59:59.999Z', 'NVDA is on the restricted list from 2024-03-01 to 2024-03-15: earnings blackout'],
    ['a dated symbol the day after passes', 'NVDA', '2024-03-16T00:00:00Z', null],
    ['an issuer entry covers each of its symbols', 'ACME', '2024-01-02T14:30:00Z', 'ACME is on the restricted list (issuer Acme Corp) from 2024-01-02T14:30:00Z: MNPI: deal team'],
    ['issuers match ignoring case and spaces', 'ACME.B', '2024-06-01T00:00:00Z', 'ACME.B is on the restricted list (issuer Acme Corp) from 2024-01-02T14:30:00Z: MNPI: deal team'],
    ['an issuer entry from a timestamp: a minute before passes', 'ACME', '2024-01-02T14:29:00Z', null],
    ['an issuer entry that ended passes after its last day', 'OLD', '2024-01-01T00:00:00Z', null],
    ['an issuer entry that ended applied on its last day', 'OLD', '2023-12-31T20:00:00Z', 'OLD is on the restricted list (issuer Old Co) to 2023-12-31'],
    ['another issuer passes', 'AAPL', '2024-03-05T00:00:00Z', null],
    ['a symbol whose issuer is unknown matches only symbol entries', 'XYZ', '2024-03-05T00:00:00Z', null],
  ];
  it.each(rows)('%s', (_label, symbol, now, reason) => {
    const view = new MemoryRiskView({ nowMs: at(now), issuers });
    expect(check.check(makeOrder('buy', 1, symbol), 10, view)).toBe(reason);
  });

  const reducing: [string, number, OrderSide, number, boolean][] = [
    ['closing a restricted long passes', 10, 'sell', 10, false],
    ['adding to it is denied', 10, 'buy', 1, true],
    ['flipping it short adds exposure: denied', 10, 'sell', 25, true],
  ];
  it.each(reducing)('with allowReducing, %s', (_label, position, side, qty, denied) => {
    const c = restrictedListCheck(entries, { allowReducing: true });
    const view = new MemoryRiskView({ nowMs: at('2024-03-05T00:00:00Z'), issuers, positions: { NVDA: position } });
    const reason = c.check(makeOrder(side, qty, 'NVDA'), 10, view);
    expect(reason !== null).toBe(denied);
    if (denied) expect(reason).toBe('NVDA is on the restricted list from 2024-03-01 to 2024-03-15: earnings blackout; only orders that reduce the position are allowed');
  });

  it('denies and names the member when the view cannot tell the issuer or the time', () => {
    const view = new MemoryRiskView({ nowMs: at('2024-03-05T00:00:00Z'), issuers });
    expect(check.check(makeOrder('buy', 1, 'ACME'), 10, viewWithout(view, 'issuerOf'))).toBe('the risk view does not provide issuerOf(symbol)');
    expect(check.check(makeOrder('buy', 1, 'NVDA'), 10, viewWithout(view, 'nowMs'))).toBe('the risk view does not provide nowMs()');
    // Undated symbol entries need neither.
    expect(restrictedListCheck([{ symbol: 'GME' }]).check(makeOrder('buy', 1, 'GME'), 10, viewWithout(view, 'nowMs', 'issuerOf'))).toBe('GME is on the restricted list');
  });

  it('reads dates as whole UTC days and timestamps as instants', () => {
    expect(restrictionBoundMs('2024-03-01', 'from')).toBe(at('2024-03-01T00:00:00Z'));
    expect(restrictionBoundMs('2024-03-15', 'to')).toBe(at('2024-03-16T00:00:00Z'));
    expect(restrictionBoundMs('2024-03-15T16:00:00-04:00', 'to')).toBe(at('2024-03-15T20:00:00Z'));
    expect(restrictionBoundMs('2024-02-30', 'from')).toBeNaN();
    expect(restrictionBoundMs('15/03/2024', 'from')).toBeNaN();
  });

  it('comes from restrictedSymbols and restrictedList together, one code', () => {
    const engine = new RiskEngine({}, riskChecksFromConfig({ restrictedSymbols: ['GME'], restrictedList: [{ symbol: 'NVDA', from: '2024-03-01' }] }));
    const view = new MemoryRiskView({ equity: 1e9, nowMs: at('2024-03-05T00:00:00Z'), prices: { GME: 10, NVDA: 10 } });
    expect(engine.check(makeOrder('buy', 1, 'GME'), 10, view)).toBe('restricted-symbol: GME is on the restricted list');
    expect(engine.check(makeOrder('buy', 1, 'NVDA'), 10, view)).toBe('restricted-symbol: NVDA is on the restricted list from 2024-03-01');
  });

  it('takes issuers from the config (RiskConfig.issuers) when the instruments name none, and before them', () => {
    const engine = new RiskEngine({}, riskChecksFromConfig({ restrictedList: [{ issuer: 'Alphabet Inc.' }], issuers: { GOOG: 'Alphabet Inc.', GOOGL: ' alphabet inc. ' } }));
    const noIssuers = viewWithout(new MemoryRiskView({ equity: 1e9, nowMs: at('2024-03-05T00:00:00Z'), prices: { GOOG: 10, GOOGL: 10, MSFT: 10 } }), 'issuerOf');
    expect(engine.check(makeOrder('buy', 1, 'GOOG'), 10, noIssuers)).toBe('restricted-symbol: GOOG is on the restricted list (issuer Alphabet Inc.)');
    expect(engine.check(makeOrder('buy', 1, 'GOOGL'), 10, noIssuers)).toBe('restricted-symbol: GOOGL is on the restricted list (issuer Alphabet Inc.)');
    expect(engine.check(makeOrder('buy', 1, 'MSFT'), 10, noIssuers)).toBeNull();
    // The config's mapping wins over the instrument's own issuer.
    const instrumentSays = new MemoryRiskView({ equity: 1e9, nowMs: 0, prices: { GOOG: 10 }, issuers: { GOOG: 'Someone Else' } });
    expect(engine.check(makeOrder('buy', 1, 'GOOG'), 10, instrumentSays)).toBe('restricted-symbol: GOOG is on the restricted list (issuer Alphabet Inc.)');
    expect(() => riskChecksFromConfig({ issuers: { GOOG: '' } })).toThrow('issuers.GOOG');
  });
});
