import { describe, expect, it } from 'vitest';
import type { Bar } from '../model/bar.ts';
import { BarSync } from './sync.ts';

const bar = (symbol: string, tsEventMs: number, close = 1): Bar => ({ symbol, tsEventMs, open: close, high: close, low: close, close, volume: 1 });

describe('BarSync', () => {
  it('completes a timestamp once, on the last tracked symbol to arrive, whatever the order', () => {
    const s = new BarSync(['A', 'B', 'C']);
    expect([s.push(bar('B', 1, 20)), s.push(bar('A', 1, 10)), s.push(bar('C', 1, 30))]).toEqual([false, false, true]);
    expect(Array.from(s.closes)).toEqual([10, 20, 30]);
    expect([s.push(bar('C', 2)), s.push(bar('A', 2)), s.push(bar('B', 2))]).toEqual([false, false, true]);
  });

  it('never completes a timestamp a symbol lacks, and starts afresh at the next one', () => {
    const s = new BarSync(['A', 'B']);
    expect([s.push(bar('A', 1)), s.push(bar('A', 2, 5)), s.push(bar('B', 2, 6))]).toEqual([false, false, true]);
    expect(Array.from(s.closes)).toEqual([5, 6]);
  });

  it('ignores untracked symbols and a second bar of a symbol at the same time', () => {
    const s = new BarSync(['A', 'B']);
    expect([s.push(bar('Z', 1)), s.push(bar('A', 1)), s.push(bar('A', 1)), s.push(bar('B', 1)), s.push(bar('B', 1))]).toEqual([false, false, false, true, false]);
    expect(s.indexOf('B')).toBe(1);
    expect(s.indexOf('Z')).toBe(-1);
  });
});
