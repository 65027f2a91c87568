// setLongTimeout waits out delays above setTimeout's 32-bit limit (2^31-1 ms, 24.8 days) in chunks.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MAX_TIMEOUT_MS, setLongTimeout } from './long-timer.ts';

const DAY = 86_400_000;

describe('setLongTimeout', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
    vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
  });
  afterEach(() => {
    vi.restoreAllMocks();
    vi.useRealTimers();
  });

  it('a plain setTimeout of 30 days fires at once (the overflow this guards against)', () => {
    const fn = vi.fn();
    setTimeout(fn, 30 * DAY);
    vi.advanceTimersByTime(2);
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('fires once, exactly 30 days later', () => {
    const fn = vi.fn();
    setLongTimeout(fn, 30 * DAY);
    vi.advanceTimersByTime(MAX_TIMEOUT_MS);
    expect(fn).not.toHaveBeenCalled();
    vi.advanceTimersByTime(30 * DAY - MAX_TIMEOUT_MS - 1);
    expect(fn).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(fn).toHaveBeenCalledTimes(1);
    expect(Date.now()).toBe(30 * DAY);
    vi.advanceTimersByTime(100 * DAY);
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('a year is three chunks and still lands on the millisecond', () => {
    const fn = vi.fn(() => Date.now());
    setLongTimeout(fn, 365 * DAY);
    vi.advanceTimersByTime(365 * DAY);
    expect(fn).toHaveBeenCalledTimes(1);
    expect(fn.mock.results[0]?.value).toBe(365 * DAY);
  });

  it('short delays behave like setTimeout, and never fire synchronously', () => {
    const fn = vi.fn();
    setLongTimeout(fn, 0);
    expect(fn).not.toHaveBeenCalled();
    vi.advanceTimersByTime(0);
    expect(fn).toHaveBeenCalledTimes(1);
    const g = vi.fn();
    setLongTimeout(g, 1500);
    vi.advanceTimersByTime(1499);
    expect(g).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(g).toHaveBeenCalledTimes(1);
  });

  it('clear() cancels it, also between chunks', () => {
    const fn = vi.fn();
    const t = setLongTimeout(fn, 60 * DAY);
    vi.advanceTimersByTime(MAX_TIMEOUT_MS + 5);
    t.clear();
    vi.advanceTimersByTime(100 * DAY);
    expect(fn).not.toHaveBeenCalled();
  });

  it('Infinity never fires; negative or NaN delays are refused', () => {
    const fn = vi.fn();
    setLongTimeout(fn, Infinity);
    vi.advanceTimersByTime(1000 * DAY);
    expect(fn).not.toHaveBeenCalled();
    expect(() => setLongTimeout(fn, -1)).toThrow(RangeError);
    expect(() => setLongTimeout(fn, Number.NaN)).toThrow(RangeError);
  });
});
