import { describe, expect, it } from 'vitest';
import { ColumnCache, runRows, SweepScratch } from '../../src/research/fast-sweep.ts';
import { ParallelSweep } from '../../src/research/parallel-sweep.ts';
import { METRIC_COUNT } from '../../src/research/window-metrics.ts';
import { randomWalk } from '../helpers/bars.ts';

const SETTINGS = { cash: 50_000, commission: 0.0005, pctCash: 95 };

describe('parallel sweep', () => {
  it('gives in worker threads over shared memory what the kernel gives in-process, per symbol and window', async () => {
    const series = [randomWalk(700, 1, { symbol: 'A' }), randomWalk(650, 2, { symbol: 'B' })];
    const rows: number[] = [];
    for (let f = 2; f <= 10; f += 2) for (let s = 12; s <= 40; s += 7) rows.push(f, s);
    const params = Float64Array.from(rows);
    const window = { fromMs: series[0]!.time[200]!, toMs: series[0]!.time[600]! };
    const pool = await ParallelSweep.create('sma-cross', series, [2, 4], { threads: 2 });
    const local = await ParallelSweep.create('sma-cross', series, [], { threads: 0 });
    let progress = 0;
    try {
      expect(pool.threads).toBe(2);
      for (const s of [pool, local]) await s.ensurePeriods(rows);
      const a = await pool.run(params, { window, settings: SETTINGS, blocks: 4, onProgress: (d) => (progress = d) });
      const b = await local.run(params, { window, settings: SETTINGS, blocks: 4 });
      expect(progress).toBe(2 * (rows.length / 2));
      expect(Array.from(a.metrics)).toEqual(Array.from(b.metrics));
      expect(Array.from(a.moments!)).toEqual(Array.from(b.moments!));
      // And both equal a direct kernel run on symbol B's window.
      const sB = series[1]!;
      const cols = new ColumnCache('sma-cross', sB.close);
      const direct = new Float64Array((rows.length / 2) * METRIC_COUNT);
      runRows({ rule: 'sma-cross', series: sB, column: (p) => cols.get(p), params, settings: SETTINGS, from: 200, to: 600, periodsPerYear: 365, blocks: 0 }, direct, null, new SweepScratch(sB.length));
      for (let r = 0; r < rows.length / 2; r++) {
        expect(a.metricsOf(1, r).finalValue).toBe(direct[r * METRIC_COUNT]);
        expect(a.metricsOf(1, r).sharpe).toBe(Number.isNaN(direct[r * METRIC_COUNT + 4]!) ? null : direct[r * METRIC_COUNT + 4]);
      }
      expect(a.metricsOf(0, 0).bars).toBe(400);
      // Calendar-day bars: periods per year inferred from the window's timestamps.
      expect(a.metricsOf(1, 0).periodsPerYear).toBe(365);
    } finally {
      await pool.close();
      await local.close();
    }
  });

  it('refuses rows whose periods have no column', async () => {
    const sweep = await ParallelSweep.create('rsi', [randomWalk(100, 3)], [14], { threads: 0 });
    await expect(sweep.run(Float64Array.of(14, 30, 70, 9, 30, 70))).rejects.toThrow(/period 9/);
    await sweep.ensurePeriods([9]);
    const r = await sweep.run(Float64Array.of(14, 30, 70, 9, 30, 70));
    expect(r.rows).toBe(2);
  });
});
