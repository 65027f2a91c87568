import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DateTimeParser, daysFromCivil, parseEpoch, parseTimeOfDay } from './parse-time.ts';

const parse = (s: string): number => new DateTimeParser().parse(s, 0, s.length);

describe('DateTimeParser', () => {
  it('agrees with Date.parse on ISO timestamps across years 0001 to 9999', () => {
    const ts = fc.integer({ min: -62_135_596_800_000, max: 253_402_300_799_000 });
    fc.assert(
      fc.property(ts, (ms) => {
        const iso = new Date(ms).toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ
        return parse(iso) === ms && parse(iso.slice(0, 19).replace('T', ' ')) === Math.floor(ms / 1000) * 1000;
      }),
    );
  });

  it('reads the 24 characters of toISOString in one go as the general path reads them, valid or not', () => {
    const digit = fc.constantFrom('0', '1', '2', '3', '5', '9');
    const two = fc.oneof(fc.tuple(digit, digit).map(([a, b]) => a + b), fc.constantFrom('00', '01', '12', '13', '23', '24', '29', '30', '31', '59', '60', 'x1', ' 1'));
    const iso = fc
      .tuple(fc.oneof(fc.integer({ min: 0, max: 9999 }).map((y) => String(y).padStart(4, '0')), fc.constantFrom('2o20', '+020')), fc.constantFrom('-', '/', 'T'), two, two, fc.constantFrom('T', 't', ' '), two, two, two, fc.oneof(fc.integer({ min: 0, max: 999 }).map((x) => String(x).padStart(3, '0')), fc.constantFrom('1 3', '0.1')), fc.constantFrom('Z', 'z', '0', ' '))
      .map(([y, sep, mo, d, t, h, mi, sec, ms, z]) => `${y}${sep}${mo}${sep}${d}${t}${h}:${mi}:${sec}.${ms}${z}`);
    fc.assert(
      fc.property(iso, fc.boolean(), (text, warm) => {
        const one = new DateTimeParser();
        const general = new DateTimeParser();
        // The same day cached first, or not.
        if (warm) {
          one.parse(text, 0, 24);
          general.parse(` ${text}`, 0, 25);
        }
        // With a blank in front the 24 characters are 25 and take the general path (which trims the blank).
        expect(Object.is(one.parse(text, 0, 24), general.parse(` ${text}`, 0, 25))).toBe(true);
      }),
      { numRuns: 20_000 },
    );
  });

  it('reads a date without a time as midnight UTC', () => {
    expect(parse('2014-01-02')).toBe(Date.UTC(2014, 0, 2));
    expect(parse('2014/01/02')).toBe(Date.UTC(2014, 0, 2));
    expect(parse('2014.01.02')).toBe(Date.UTC(2014, 0, 2));
    expect(parse('20140102')).toBe(Date.UTC(2014, 0, 2));
  });

  it('applies UTC offsets and Z', () => {
    expect(parse('2020-03-01T09:30:00-05:00')).toBe(Date.UTC(2020, 2, 1, 14, 30));
    expect(parse('2020-03-01T09:30+0100')).toBe(Date.UTC(2020, 2, 1, 8, 30));
    expect(parse('2020-03-01 09:30:00Z')).toBe(Date.UTC(2020, 2, 1, 9, 30));
    expect(parse('2020-03-01T09:30:00.25+02')).toBe(Date.UTC(2020, 2, 1, 7, 30, 0, 250));
  });

  it('reuses the cached day for consecutive rows of the same day', () => {
    const p = new DateTimeParser();
    const a = '2017-04-19 09:00:00';
    const b = '2017-04-19 10:00:00';
    expect(p.parse(a, 0, a.length)).toBe(Date.UTC(2017, 3, 19, 9));
    expect(p.parse(b, 0, b.length)).toBe(Date.UTC(2017, 3, 19, 10));
  });

  it('rejects impossible dates and malformed times', () => {
    for (const s of ['2019-02-29', '2020-13-01', '2020-00-10', '2020-04-31', '2020-01-01 24:00', '2020-01-01 12:60',
      '2020-01-01T12', '2020-01-01X', '2020-1-1', '01/02/2020', 'yesterday', '', '2020-01-01 12:00:00+5', '2020-01-01 12:00:0']) {
      expect(parse(s), s).toBeNaN();
    }
    expect(parse('2020-02-29')).toBe(Date.UTC(2020, 1, 29));
  });

  it('counts days like the proleptic Gregorian calendar', () => {
    expect(daysFromCivil(1970, 1, 1)).toBe(0);
    expect(daysFromCivil(2000, 3, 1)).toBe(Date.UTC(2000, 2, 1) / 86_400_000);
    expect(daysFromCivil(1900, 3, 1)).toBe(Date.UTC(1900, 2, 1) / 86_400_000);
  });
});

describe('parseTimeOfDay and parseEpoch', () => {
  it('reads HH:MM and HH:MM:SS as ms from midnight', () => {
    expect(parseTimeOfDay('09:30', 0, 5)).toBe(34_200_000);
    expect(parseTimeOfDay(' 23:59:59', 0, 9)).toBe(86_399_000);
    expect(parseTimeOfDay('9:30', 0, 4)).toBeNaN();
  });

  it('converts epoch seconds and milliseconds to whole ms and rejects junk', () => {
    expect(parseEpoch('1500000000', 0, 10, 1000)).toBe(1_500_000_000_000);
    expect(parseEpoch('1500000000.5', 0, 12, 1000)).toBe(1_500_000_000_500);
    expect(parseEpoch('1500000000000', 0, 13, 1)).toBe(1_500_000_000_000);
    expect(parseEpoch('abc', 0, 3, 1)).toBeNaN();
    expect(parseEpoch('1e30', 0, 4, 1)).toBeNaN();
  });
});
