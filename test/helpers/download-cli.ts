// Helpers of the `sextant data download` CLI tests (every venue): the command spawned as a user runs it
// (`node bin/sextant.js`, optionally killed with SIGKILL once a condition holds) and the bars the warehouse
// then holds for a symbol.
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { readStoredSeries } from '../../src/app/warehouse.ts';

const ROOT = resolve(import.meta.dirname, '../..');

export interface Run { code: number | null; signal: NodeJS.Signals | null; out: string; err: string }

export function sextant(argv: string[], opts: { killWhen?: () => boolean } = {}): Promise<Run> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['bin/sextant.js', ...argv], { cwd: ROOT, env: { ...process.env } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += String(d)));
    child.stderr.on('data', (d) => (err += String(d)));
    const timer = opts.killWhen === undefined ? undefined : setInterval(() => {
      if (opts.killWhen!()) child.kill('SIGKILL');
    }, 20);
    child.on('close', (code, signal) => {
      clearInterval(timer);
      done({ code, signal, out, err });
    });
  });
}

export interface StoredBar { openMs: number; open: number; high: number; low: number; close: number; volume: number }

/** The warehouse's bars of `symbol`, oldest first. */
export async function storedBars(dir: string, symbol: string): Promise<StoredBar[]> {
  const s = await readStoredSeries(symbol, { dir });
  return Array.from({ length: s.length }, (_, i) => ({ openMs: s.time[i]!, open: s.open[i]!, high: s.high[i]!, low: s.low[i]!, close: s.close[i]!, volume: s.volume[i]! }));
}
