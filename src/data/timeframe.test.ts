import { describe, expect, it } from 'vitest';
import { inferTimeframeMs } from './timeframe.ts';

const DAY = 86_400_000;

describe('inferTimeframeMs', () => {
  it('infers one day from weekday bars with weekend gaps', () => {
    const t: number[] = [];
    for (let d = 0; d < 60; d++) if (d % 7 < 5) t.push(d * DAY);
    expect(inferTimeframeMs(Float64Array.from(t))).toBe(DAY);
  });

  it('prefers the shorter gap when two gaps are equally common', () => {
    expect(inferTimeframeMs(Float64Array.from([0, 10, 30, 40, 60]))).toBe(10);
  });

  it('returns 0 for fewer than two bars and ignores the unused tail', () => {
    expect(inferTimeframeMs(new Float64Array(0))).toBe(0);
    expect(inferTimeframeMs(Float64Array.from([5]))).toBe(0);
    expect(inferTimeframeMs(Float64Array.from([0, 60, 120, 0, 0]), 3)).toBe(60);
  });
});
