import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toIso, toIsoDate, writeIso } from './time.ts';

const MAX_DATE_MS = 8.64e15;

describe('toIso', () => {
  it('equals Date#toISOString over the whole Date range', () => {
    fc.assert(fc.property(fc.integer({ min: -MAX_DATE_MS, max: MAX_DATE_MS }), (t) => toIso(t) === new Date(t).toISOString()), { numRuns: 20_000 });
  });

  it('writeIso writes the bytes of toIso, also for fractional ms and years outside 0000..9999', () => {
    const out = new Uint8Array(64);
    const ts = fc.oneof(fc.integer({ min: -MAX_DATE_MS, max: MAX_DATE_MS }), fc.integer({ min: Date.UTC(0, 0, 1) - 86_400_000, max: Date.UTC(9999, 11, 31, 23, 59, 59, 999) + 86_400_000 }), fc.double({ min: -1e13, max: 1e13, noNaN: true }));
    fc.assert(
      fc.property(ts, fc.integer({ min: 0, max: 30 }), (t, at) => {
        const s = toIso(t);
        const end = writeIso(t, out, at);
        return end === at + s.length && Buffer.from(out.subarray(at, end)).toString('latin1') === s;
      }),
      { numRuns: 20_000 },
    );
    expect(() => writeIso(NaN, out, 0)).toThrow(RangeError);
  });

  it('equals Date#toISOString for years 0000..9999, where it formats without a Date', () => {
    const lo = Date.UTC(0, 0, 1) - 100 * 86_400_000;
    const hi = Date.UTC(9999, 11, 31, 23, 59, 59, 999) + 100 * 86_400_000;
    fc.assert(fc.property(fc.integer({ min: lo, max: hi }), (t) => toIso(t) === new Date(t).toISOString()), { numRuns: 50_000 });
  });

  it('equals Date#toISOString on day, leap-day, century and year-range edges', () => {
    const edges = [
      0, -1, 1, 86_399_999, 86_400_000, -86_400_000, -86_400_001, Date.UTC(2000, 1, 29), Date.UTC(1900, 1, 28, 23, 59, 59, 999),
      Date.UTC(2100, 2, 1), Date.UTC(1600, 1, 29), Date.UTC(-1, 11, 31, 23, 59, 59, 999), Date.UTC(0, 0, 1), Date.UTC(0, 0, 1) - 1,
      Date.UTC(9999, 11, 31, 23, 59, 59, 999), Date.UTC(9999, 11, 31, 23, 59, 59, 999) + 1, MAX_DATE_MS, -MAX_DATE_MS,
    ];
    // Date.UTC(0, ...) means 1900: set years 0 and -1 explicitly.
    const y0 = new Date(0);
    y0.setUTCFullYear(0, 0, 1);
    const yMinus1 = new Date(0);
    yMinus1.setUTCFullYear(-1, 11, 31);
    for (const t of [...edges, y0.getTime(), y0.getTime() - 1, yMinus1.getTime()]) expect(toIso(t), String(t)).toBe(new Date(t).toISOString());
  });

  it('runs of consecutive minutes (the day cache) match Date#toISOString', () => {
    const start = Date.UTC(2019, 11, 31, 22, 0);
    for (let i = 0; i < 5000; i++) {
      const t = start + i * 60_000;
      expect(toIso(t)).toBe(new Date(t).toISOString());
    }
  });

  it('keeps Date#toISOString results and errors off the integer grid', () => {
    expect(toIso(1.5)).toBe(new Date(1.5).toISOString());
    expect(toIso(-0)).toBe('1970-01-01T00:00:00.000Z');
    expect(() => toIso(NaN)).toThrow(RangeError);
    expect(() => toIso(MAX_DATE_MS + 1)).toThrow(RangeError);
    expect(() => toIso(Infinity)).toThrow(RangeError);
  });

  it('toIsoDate is the date part', () => {
    expect(toIsoDate(Date.UTC(2024, 1, 29, 13, 5))).toBe('2024-02-29');
  });
});
