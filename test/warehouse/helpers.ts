// Shared material of the warehouse tests: temp folders and CSV files.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function tempDir(prefix = 'sextant-wh-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/**
 * A Yahoo-style daily CSV (weekdays only) with an up-then-down wave, so sma-cross trades. Prices are
 * written with full double precision (17 significant digits) to test exact round trips.
 */
export function waveCsv(dir: string, name: string, n = 160, opts: { startMs?: number; badLine?: number; phase?: number } = {}): string {
  const rows = ['Date,Open,High,Low,Close,Adj Close,Volume'];
  let t = opts.startMs ?? Date.UTC(2020, 0, 1);
  for (let i = 0; i < n; i++) {
    while ([0, 6].includes(new Date(t).getUTCDay())) t += 86_400_000;
    const c = 100 + 20 * Math.sin(i / 5 + (opts.phase ?? 0)) + i * 0.05 + 1 / 3;
    const o = c - 0.3 * Math.cos(i);
    const h = Math.max(o, c) + 0.5 + i / 7;
    const l = Math.min(o, c) - 0.25 - 1 / (i + 3);
    const d = new Date(t).toISOString().slice(0, 10);
    rows.push(opts.badLine === i ? `${d},abc,${h},${l},${c},${c},1000` : `${d},${o},${h},${l},${c},${c},${1000 + i * 0.125}`);
    t += 86_400_000;
  }
  const path = join(dir, name);
  writeFileSync(path, rows.join('\n') + '\n');
  return path;
}
