// BarFolder (src/brokers/ib/bars.ts) against a direct group-by of the same 5-second bars: over seeded random
// streams with missing 5-second bars, repeats and whole missing periods, every period that had a bar comes
// out once, in order, with first open, highest high, lowest low, last close and summed volume; and no bar
// comes out before its period has closed.
import { describe, expect, it } from 'vitest';
import { BarFolder } from '../../src/brokers/ib/bars.ts';
import type { HistoryBar } from '../../src/data/history-source.ts';
import { seeded } from '../fakes/seeded.ts';

interface Part { t: number; o: number; h: number; l: number; c: number; v: number }

function groupBy(parts: readonly Part[], tf: number): HistoryBar[] {
  const out: HistoryBar[] = [];
  for (const p of parts) {
    const period = Math.floor(p.t / tf) * tf;
    const last = out.at(-1);
    if (last !== undefined && last.tsMs === period) out[out.length - 1] = { ...last, high: Math.max(last.high, p.h), low: Math.min(last.low, p.l), close: p.c, volume: last.volume + p.v };
    else out.push({ tsMs: period, open: p.o, high: p.h, low: p.l, close: p.c, volume: p.v });
  }
  return out;
}

describe('BarFolder', () => {
  for (const seed of [1, 2, 3, 4, 5]) {
    for (const tf of [5_000, 60_000, 300_000]) {
      it(`seed ${seed}, ${tf / 1000} s bars: the same bars as a group-by, each once, none early`, () => {
        const rnd = seeded(seed * 1_000 + tf);
        const parts: Part[] = [];
        let t = Date.UTC(2024, 0, 2, 14, 30);
        for (let i = 0; i < 2_000; i++) {
          const o = 100 + rnd() * 10;
          const c = 100 + rnd() * 10;
          parts.push({ t, o, h: Math.max(o, c) + rnd(), l: Math.min(o, c) - rnd(), c, v: Math.floor(rnd() * 100) });
          // Mostly the next 5 seconds; sometimes a few missing, sometimes a long gap.
          const r = rnd();
          t += r < 0.85 ? 5_000 : r < 0.97 ? 5_000 * (2 + Math.floor(rnd() * 5)) : 5_000 * (1 + Math.floor(rnd() * 200));
        }
        const folder = new BarFolder(tf);
        const got: HistoryBar[] = [];
        for (const p of parts) {
          for (const b of folder.add(p.t, p.o, p.h, p.l, p.c, p.v)) {
            // Sent at the earliest when the 5 seconds now being folded end at or after the period's end.
            expect(b.tsMs + tf).toBeLessThanOrEqual(p.t + 5_000);
            got.push(b);
          }
          if (rnd() < 0.05) expect(folder.add(p.t, p.o, p.h, p.l, p.c, p.v)).toEqual([]); // a repeat counts once
        }
        const rest = folder.flushBefore(Number.MAX_SAFE_INTEGER);
        if (rest !== null) got.push(rest);
        expect(got).toEqual(groupBy(parts, tf));
      });
    }
  }

  it('refuses a period that is not a whole number of 5-second bars', () => {
    expect(() => new BarFolder(7_000)).toThrow(/7000 ms/);
    expect(() => new BarFolder(0)).toThrow();
  });
});
