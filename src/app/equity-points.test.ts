// The lazy `equity` and `analysis` of a report are, to every reader, what an eager build would have made.
import { describe, expect, it } from 'vitest';
import { runBacktest } from './backtest.ts';
import { defineLazyEquity, equityPoints } from './equity-points.ts';
import { defineLazy, isPending } from './lazy-property.ts';

describe('lazy report fields', () => {
  it('a real report: same keys, order and JSON as with everything built eagerly; each built once, on first read', async () => {
    const report = await runBacktest({ strategy: 'sma-cross', data: ['synthetic:7'], commission: 0.001 });
    expect(isPending(report, 'equity')).toBe(true);
    expect(isPending(report, 'analysis')).toBe(true);
    const keys = Object.keys(report);
    expect(keys.slice(-3)).toEqual(['equity', 'analysis', 'warnings']);
    const text = JSON.stringify(report, null, 1);
    expect(isPending(report, 'equity')).toBe(false);
    expect(isPending(report, 'analysis')).toBe(false);
    expect(Object.keys(report)).toEqual(keys);
    expect(report.equity).toBe(report.equity);
    expect(report.analysis).toBe(report.analysis);
    expect(JSON.stringify({ ...report }, null, 1)).toBe(text);
    const parsed = JSON.parse(text) as { equity: { time: string }[]; analysis: { bars: number } };
    expect(parsed.equity[0]!.time).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(parsed.analysis.bars).toBeGreaterThan(100);
  });

  it('the same inputs give the same analysis read late as computed at once', async () => {
    const req = { strategy: 'rsi', data: ['synthetic:3'], params: { period: '7' }, benchmark: false };
    const late = await runBacktest(req);
    const early = await runBacktest(req);
    const a = early.analysis;
    expect(JSON.stringify(late.analysis)).toBe(JSON.stringify(a));
  });

  it('analysis: false stores null, not a pending field', async () => {
    const report = await runBacktest({ strategy: 'sma-cross', data: ['synthetic:5'], analysis: false, benchmark: false });
    expect(isPending(report, 'analysis')).toBe(false);
    expect(report.analysis).toBeNull();
  });

  it('spreads, assigns and keeps NaN as JSON.stringify would', () => {
    const target = { a: 1, equity: [] as unknown[], z: 2 };
    defineLazyEquity(target, new Float64Array([0, 86_400_000]), new Float64Array([5, NaN]));
    const copy = { ...target };
    expect(Object.keys(copy)).toEqual(['a', 'equity', 'z']);
    expect(JSON.stringify(copy)).toBe('{"a":1,"equity":[{"time":"1970-01-01T00:00:00.000Z","equity":5},{"time":"1970-01-02T00:00:00.000Z","equity":null}],"z":2}');
    expect(copy.equity).toEqual(equityPoints(new Float64Array([0, 86_400_000]), new Float64Array([5, NaN])));
    let calls = 0;
    const t: Record<string, unknown> = {};
    defineLazy(t, 'x', () => ++calls);
    t.x = 'replaced';
    expect(t.x).toBe('replaced');
    expect(calls).toBe(0);
  });
});
