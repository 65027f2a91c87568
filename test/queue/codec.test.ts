// The research queue's wire format keeps every number bit for bit through JSON.
import { describe, expect, it } from 'vitest';
import { decodeOutcomes, encodeOutcomes, fromWire, toWire } from '../../src/research/queue-codec.ts';
import type { TrialOutcome } from '../../src/research/types.ts';

const viaJson = (v: unknown): unknown => fromWire(JSON.parse(JSON.stringify(toWire(v))));

describe('research queue codec', () => {
  it('keeps NaN, infinities, -0 and Float64Arrays through JSON', () => {
    const moments = Float64Array.of(3, 0.1 + 0.2, -0, NaN, Number.MIN_VALUE, -Infinity);
    const back = viaJson({ a: NaN, b: -0, c: Infinity, d: -Infinity, e: 1 / 3, f: null, g: [1, NaN], moments }) as Record<string, unknown>;
    expect(back.a).toBeNaN();
    expect(Object.is(back.b, -0)).toBe(true);
    expect(back.c).toBe(Infinity);
    expect(back.d).toBe(-Infinity);
    expect(back.e).toBe(1 / 3);
    expect(back.f).toBeNull();
    expect(back.g).toEqual([1, NaN]);
    const m = back.moments as Float64Array;
    expect(m).toBeInstanceOf(Float64Array);
    expect(Buffer.from(m.buffer).equals(Buffer.from(moments.buffer))).toBe(true);
  });

  it('encodes a Float64Array view by its own bytes and leaves look-alike keys alone', () => {
    const big = Float64Array.from({ length: 10 }, (_, i) => i + 0.5);
    expect(viaJson(big.subarray(3, 6))).toEqual(Float64Array.of(3.5, 4.5, 5.5));
    expect(viaJson({ $num: 'NaN' })).toEqual({ $num: 'NaN' });
    expect(viaJson({ $f64: 'AAAA', x: 1 })).toEqual({ $f64: 'AAAA', x: 1 });
  });

  it('round-trips trial outcomes and refuses a count that does not match the chunk', () => {
    const outcomes: TrialOutcome[] = [{
      metrics: { finalValue: 101_234.5, totalReturn: 0.012345, cagr: null, annualVolatility: 0, sharpe: null, sortino: NaN as unknown as null, maxDrawdown: -0, calmar: null, tradeCount: 3, periodsPerYear: 252, bars: 120 },
      moments: Float64Array.of(60, 0.01, 0.0003, 59, -0.02, 0.0004),
      curve: { timeMs: Float64Array.of(1, 2), equity: Float64Array.of(100, 101) },
    }];
    const wire = JSON.parse(JSON.stringify(encodeOutcomes(outcomes))) as Parameters<typeof decodeOutcomes>[0];
    expect(decodeOutcomes(wire, 1)).toEqual(outcomes);
    expect(Object.is(decodeOutcomes(wire, 1)[0]!.metrics.maxDrawdown, -0)).toBe(true);
    expect(() => decodeOutcomes(wire, 2)).toThrow(/1 outcome\(s\) for 2 parameter set/);
  });

  it('refuses values JSON cannot carry', () => {
    expect(() => toWire(new Map())).toThrow(/cannot put a \[object Map\]/);
  });
});
