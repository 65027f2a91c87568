// The Form 13F information table on hand-made fills: long positions at the end of the period's last day (later
// fills left out), summed over strategies and runs, valued at the last close on or before the day, rounded to
// whole dollars; options as the shares underlying them at the underlying's price; shorts and unlisted symbols
// excluded; the XML in the schema's element order.
import { describe, expect, it } from 'vitest';
import { buildForm13f, informationTableXml, nearestWhole, quarterEnd } from '../../src/app/reports/form13f.ts';
import { parseReferenceCsv } from '../../src/app/reports/reference.ts';
import { periodOf } from '../../src/app/reports/requests.ts';
import { series } from '../helpers/bars.ts';
import { at, DAY, fills, paperRun, records } from './records.ts';

const REF = parseReferenceCsv([
  'symbol,nameOfIssuer,titleOfClass,cusip,figi,putCall,underlying,investmentDiscretion,votingAuthority',
  'AAA,AAA & SONS INC,COM,68389X105,BBG000BQLTW7,,,,',
  'AAA-C,AAA & SONS INC,COM,68389X105,,Call,AAA,,None',
  'BBB,BBB CORP,CL A,984332106,,,,DFND,Shared',
].join('\n'), 'ref.csv');

const D = (iso: string): number => at(`${iso}T00:00:00Z`);
const PRICES = [
  series([[10, 10, 10, 10], [10, 10.3, 10, 10.255], [50, 50, 50, 50]], { symbol: 'AAA', times: [D('2024-12-30'), D('2024-12-31'), D('2025-01-02')] }),
  series([[20, 21, 20, 20.55], [30, 30, 30, 30]], { symbol: 'BBB', times: [D('2024-12-30'), D('2025-01-02')] }),
];

const RUN1 = records(paperRun('r1'), [], fills([
  ['a1', 'AAA', 'buy', 150, 9, 0, at('2024-11-01T15:00:00Z'), 's1'],
  ['a2', 'AAA', 'sell', 50, 9.5, 0, at('2024-12-02T15:00:00Z'), 's1'],
  ['a3', 'AAA', 'buy', 30, 9.8, 0, at('2024-12-31T20:59:59Z'), 's2'],
  ['b1', 'BBB', 'sell', 20, 21, 0, at('2024-12-15T15:00:00Z'), 's1'],
  ['b2', 'BBB', 'buy', 10, 20, 0, at('2024-12-16T15:00:00Z'), 's2'],
  ['c1', 'AAA-C', 'buy', 2, 1.5, 0, at('2024-12-20T15:00:00Z'), 's2'],
  ['z1', 'ZZZ', 'buy', 5, 1, 0, at('2024-12-20T15:00:00Z'), 's2'],
  ['late', 'AAA', 'buy', 1000, 50, 0, at('2025-01-01T00:00:00Z'), 's1'],
], 'r1'), { 'AAA-C': 100 });
const RUN2 = records(paperRun('r2'), [], fills([['x1', 'AAA', 'buy', 7, 9, 0, at('2024-10-01T15:00:00Z')]], 'r2'));

describe('Form 13F information table', () => {
  it('values the long positions of the period end at its closes, in whole dollars', () => {
    const r = buildForm13f({ runs: [RUN1, RUN2], reference: REF, periodOfReport: '2024-12-31', series: PRICES });
    expect(r.entries.map((e) => [e.nameOfIssuer, e.titleOfClass, e.cusip, e.figi, e.value, e.sshPrnamt, e.sshPrnamtType, e.putCall, e.investmentDiscretion, e.votingAuthority])).toEqual([
      // 100 (s1) + 30 (s2) + 7 (r2) shares at 10.255 = 1404.935
      ['AAA & SONS INC', 'COM', '68389X105', 'BBG000BQLTW7', 1405, 137, 'SH', null, 'SOLE', { Sole: 137, Shared: 0, None: 0 }],
      // 2 calls x 100 = 200 shares of AAA at 10.255 = 2051
      ['AAA & SONS INC', 'COM', '68389X105', null, 2051, 200, 'SH', 'Call', 'SOLE', { Sole: 0, Shared: 0, None: 200 }],
      // s2's 10 long at the 30th's close 20.55 = 205.5 -> 206 (s1's short of 20 is not netted)
      ['BBB CORP', 'CL A', '984332106', null, 206, 10, 'SH', null, 'DFND', { Sole: 0, Shared: 10, None: 0 }],
    ]);
    expect(r.entries[0]!.holdings).toEqual([{ symbol: 'AAA', quantity: 137, price: 10.255, priceTime: '2024-12-31T00:00:00.000Z', marketValue: 137 * 10.255 }]);
    expect(r.excluded).toEqual([
      { symbol: 'ZZZ', quantity: 5, reason: 'not in the reference file ref.csv (not reported as a 13(f) security)' },
      { symbol: 'BBB', quantity: -20, reason: 'short position: Form 13F reports long positions only (shorts are not netted against longs)' },
    ]);
    expect(r.tableValueTotal).toBe(1405 + 2051 + 206);
    expect(r.runs).toEqual(['r1', 'r2']);
  });

  it('a day earlier: the 31st\'s fill is not yet held and the 30th\'s closes value it', () => {
    const r = buildForm13f({ runs: [RUN1], reference: REF, periodOfReport: '2024-12-30', series: PRICES });
    expect(r.entries.map((e) => [e.cusip, e.putCall, e.value, e.sshPrnamt])).toEqual([['68389X105', null, 1000, 100], ['68389X105', 'Call', 2000, 200], ['984332106', null, 206, 10]]);
  });

  it('a held 13(f) security without a price is an error naming --data', () => {
    expect(() => buildForm13f({ runs: [RUN1], reference: REF, periodOfReport: '2024-12-31', series: PRICES.slice(1) })).toThrow('field "--data": no bars of AAA to value the position: give its history with --data');
    expect(() => buildForm13f({ runs: [RUN1], reference: REF, periodOfReport: '2024-11-30', series: PRICES })).toThrow('no bar of AAA on or before 2024-11-30 to value the position');
  });

  it('writes the XML in the schema order, escaped, optional elements only when present', () => {
    const r = buildForm13f({ runs: [RUN1], reference: REF, periodOfReport: '2024-12-31', series: PRICES });
    const xml = informationTableXml(r);
    expect(xml.split('\n').slice(0, 21)).toEqual([
      '<?xml version="1.0" encoding="UTF-8"?>',
      '<informationTable xmlns="http://www.sec.gov/edgar/document/thirteenf/informationtable">',
      '  <infoTable>',
      '    <nameOfIssuer>AAA &amp; SONS INC</nameOfIssuer>',
      '    <titleOfClass>COM</titleOfClass>',
      '    <cusip>68389X105</cusip>',
      '    <figi>BBG000BQLTW7</figi>',
      '    <value>1333</value>',
      '    <shrsOrPrnAmt>',
      '      <sshPrnamt>130</sshPrnamt>',
      '      <sshPrnamtType>SH</sshPrnamtType>',
      '    </shrsOrPrnAmt>',
      '    <investmentDiscretion>SOLE</investmentDiscretion>',
      '    <votingAuthority>',
      '      <Sole>130</Sole>',
      '      <Shared>0</Shared>',
      '      <None>0</None>',
      '    </votingAuthority>',
      '  </infoTable>',
      '  <infoTable>',
      '    <nameOfIssuer>AAA &amp; SONS INC</nameOfIssuer>',
    ]);
    expect(xml).toContain('    </shrsOrPrnAmt>\n    <putCall>Call</putCall>\n    <investmentDiscretion>SOLE</investmentDiscretion>');
    expect(xml.endsWith('</informationTable>\n')).toBe(true);
  });

  it.each([
    ['2024Q4', '2024-12-31'], ['2025q1', '2025-03-31'], ['2023Q2', '2023-06-30'], ['2024Q3', '2024-09-30'],
  ])('quarter %s ends on %s', (q, day) => {
    expect(quarterEnd(q)).toBe(day);
    expect(periodOf({ quarter: q })).toBe(day);
  });

  it('period errors', () => {
    expect(() => quarterEnd('2024Q5')).toThrow('field "--quarter": expected a quarter such as 2024Q4, got "2024Q5"');
    expect(() => periodOf({})).toThrow('one of them');
    expect(() => periodOf({ quarter: '2024Q4', date: '2024-12-31' })).toThrow('one of them');
    expect(() => periodOf({ date: '2024-02-30' })).toThrow('field "--date": expected a day YYYY-MM-DD, got "2024-02-30"');
    expect(periodOf({ date: '2024-02-29' })).toBe('2024-02-29');
  });

  it.each([[205.5, 206], [0.5, 1], [1404.935, 1405], [2.675 * 3, 8], [1333.4999999999998, 1334], [10 * 20.55, 206], [0.49999999, 0], [1e9 + 0.5, 1e9 + 1], [3 * 1.1, 3]])('nearest dollar of %s is %s', (x, want) => {
    expect(nearestWhole(x)).toBe(want);
  });

  it('one more day of data changes nothing before it (the value uses only bars up to the period end)', () => {
    const later = buildForm13f({ runs: [RUN2], reference: REF, periodOfReport: '2025-01-02', series: PRICES });
    expect(later.entries[0]!.value).toBe(7 * 50);
    expect(D('2025-01-02') - D('2024-12-31')).toBe(2 * DAY);
  });
});
