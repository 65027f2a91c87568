// Labels worked by hand on tiny paths, and properties over random ones.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { generateMarket } from '../../data/synthetic.ts';
import { series } from '../../../test/helpers/bars.ts';
import { directionLabels, forwardReturns } from './forward.ts';
import { tripleBarrier } from './triple-barrier.ts';
import { averageUniqueness, concurrency } from './uniqueness.ts';

const { log } = Math;
const closes = (cs: number[]) => series(cs.map((c) => [c, c, c, c] as const));

describe('forward returns and direction', () => {
  const s = closes([100, 110, 99, 121]);

  it('give ln(c[i+h] / c[i]) ending at i + h, NaN past the data', () => {
    const f = forwardReturns(s, 2, { weights: 'none' });
    expect([...f.y]).toEqual([log(99 / 100), log(121 / 110), NaN, NaN]);
    expect([...f.end]).toEqual([2, 3, 3, 3]);
    expect([...f.weight]).toEqual([1, 1, 0, 0]);
  });

  it('label 1 above the threshold, 0 otherwise', () => {
    expect([...directionLabels(s, 1).y]).toEqual([1, 0, 1, NaN]);
    // returns: +9.5%, -10.5%, +20%: only the last is above 10%
    expect([...directionLabels(s, 1, 0.1).y]).toEqual([0, 0, 1, NaN]);
  });

  it('weigh overlapping horizons by their uniqueness', () => {
    // h = 2 over 5 bars: labels 0, 1, 2 read returns {1,2}, {2,3}, {3,4}; concurrency 1, 2, 2, 1.
    const w = forwardReturns(closes([1, 2, 3, 4, 5]), 2).weight;
    expect([...w]).toEqual([(1 + 1 / 2) / 2, 1 / 2, (1 / 2 + 1) / 2, 0, 0]);
  });
});

describe('triple barrier on a hand-made path', () => {
  // Barriers at +-2% (target 0.02, multiples 1), vertical barrier 3 bars later.
  const s = closes([100, 101, 103, 98.5, 98, 104, 104]);
  const target = new Float64Array(7).fill(0.02);
  const tb = tripleBarrier(s, { horizon: 3, profitTake: 1, stopLoss: 1, target });

  it.each<[number, number, number, number, number]>([
    // i, y, end, side, ret
    [0, 1, 2, 1, log(103 / 100)], // +1.0% then +3.0%: profit-take at bar 2
    [1, 0, 3, -1, log(98.5 / 101)], // +1.98% (short of 2%) then -2.5%: stop at bar 3
    [2, 0, 3, -1, log(98.5 / 103)], // -4.4% at once
    [3, 1, 5, 1, log(104 / 98.5)], // -0.5%, then +5.4%
    [4, 1, 5, 1, log(104 / 98)],
  ])('row %i: y %d, end %d, side %d', (i, y, end, side, ret) => {
    expect(tb.y[i]).toBe(y);
    expect(tb.end[i]).toBe(end);
    expect(tb.side[i]).toBe(side);
    expect(tb.ret[i]).toBeCloseTo(ret, 15);
  });

  it('leaves a label NaN when its horizon runs past the data untouched', () => {
    expect([tb.y[5], tb.y[6]]).toEqual([NaN, NaN]);
    expect([tb.end[5], tb.end[6]]).toEqual([6, 6]);
  });

  it('weighs by average uniqueness of returns i+1..end', () => {
    // Returns read: 0:{1,2} 1:{2,3} 2:{3} 3:{4,5} 4:{5} -> concurrency of bars 1..5: 1, 2, 2, 1, 2.
    expect([...concurrency(tb.y, tb.end)]).toEqual([0, 1, 2, 2, 1, 2, 0]);
    expect([...tb.weight]).toEqual([0.75, 0.5, 0.5, 0.75, 0.5, 0, 0]);
  });

  it('labels the vertical barrier by the sign of the return, or drops it', () => {
    // One bar: from 98.5, 98 is -0.5% (inside the barriers) -> vertical, return < 0 -> 0; from 98, 104 is a profit-take.
    const v = tripleBarrier(s, { horizon: 1, profitTake: 1, stopLoss: 1, target, weights: 'none' });
    expect([v.y[3], v.end[3], v.side[3]]).toEqual([0, 4, 0]);
    expect(v.ret[3]).toBeCloseTo(log(98 / 98.5), 15);
    expect(tripleBarrier(s, { horizon: 1, profitTake: 1, stopLoss: 1, target, vertical: 'drop' }).y[3]).toBeNaN();
    // Without a stop, row 1 (which stopped at bar 3) runs to its vertical barrier: 98.5 < 101 -> 0 at bar 4.
    const noStop = tripleBarrier(s, { horizon: 3, profitTake: 1, stopLoss: 0, target });
    expect([noStop.y[1], noStop.end[1], noStop.side[1]]).toEqual([0, 4, 0]);
  });

  it('touches with highs and lows, a bar reaching both counting as the stop', () => {
    const hl = series([
      [100, 100, 100, 100],
      [100, 102.5, 99.5, 100], // high +2.47%: profit-take, at the barrier
      [100, 103, 97, 100], // both: stop
      [95, 96, 94, 95], // opens below the stop: exits at the open
    ]);
    const t = tripleBarrier(hl, { horizon: 1, profitTake: 1, stopLoss: 1, target: new Float64Array(4).fill(0.02), touch: 'highLow' });
    expect([...t.side]).toEqual([1, -1, -1, 0]);
    expect([...t.ret.subarray(0, 3)]).toEqual([0.02, -0.02, log(95 / 100)]);
  });

  it('uses the rolling volatility of 1-bar log returns by default', () => {
    // volWindow 2: vol[2] = |ln(101/100) - ln(103/101)| / sqrt(2) = 0.00684; from 103, 98.5 is far below -> stop.
    const r = tripleBarrier(s, { horizon: 2, profitTake: 1, stopLoss: 1, volWindow: 2 });
    expect(r.vol[2]).toBeCloseTo(Math.abs(log(101 / 100) - log(103 / 101)) / Math.SQRT2, 15);
    expect([r.y[0], r.y[1]]).toEqual([NaN, NaN]);
    expect([r.y[2], r.end[2], r.side[2]]).toEqual([0, 3, -1]);
  });
});

describe('label properties on random paths', () => {
  it('end within (i, i + h]; a label on a prefix equals the full one when the full one ended inside the prefix', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e6 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 20, max: 199 }), (seed, h, k) => {
        const s = generateMarket({ seed, symbols: 1, bars: 200 }).series[0]!;
        const o = { horizon: h, profitTake: 1.5, stopLoss: 1, volWindow: 10 };
        const full = tripleBarrier(s, o);
        const cut = tripleBarrier(s.slice(0, k), o);
        const bad: string[] = [];
        const u = averageUniqueness(full.y, full.end);
        for (let i = 0; i < s.length; i++) {
          if (Number.isNaN(full.y[i]!)) {
            if (u[i] !== 0) bad.push(`${i}: weight ${u[i]} without a label`);
            continue;
          }
          const e = full.end[i]!;
          if (!(e > i && e <= i + h)) bad.push(`${i}: end ${e}`);
          if (full.side[i] === 1 && !(full.ret[i]! >= 1.5 * full.vol[i]!)) bad.push(`${i}: upper at ${full.ret[i]}`);
          if (full.side[i] === -1 && !(full.ret[i]! <= -full.vol[i]!)) bad.push(`${i}: lower at ${full.ret[i]}`);
          if (!(u[i]! > 0 && u[i]! <= 1)) bad.push(`${i}: uniqueness ${u[i]}`);
          if (e < k && (cut.y[i] !== full.y[i] || cut.end[i] !== e || cut.side[i] !== full.side[i])) bad.push(`${i}: differs on the prefix`);
        }
        expect(bad).toEqual([]);
      }),
      { numRuns: 40 },
    );
  });
});
