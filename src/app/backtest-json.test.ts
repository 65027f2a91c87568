// The `--json` document written and read back through the RunReport schema.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { ConfigError, InputError } from '../core/errors.ts';
import { runBacktest } from './backtest.ts';
import { readBacktestJson, reportJsonPieces, writeBacktestJson } from './backtest-json.ts';
import { equityJsonChunks, equityJsonPieces, equityPoints, pendingEquityColumns } from './equity-points.ts';

const dir = mkdtempSync(join(tmpdir(), 'sextant-bjson-'));

describe('backtest JSON', () => {
  it('reads back what it writes, value for value', async () => {
    const report = await runBacktest({ strategy: 'sma-cross', params: { fast: 5, slow: 20 }, data: ['synthetic:6'], commission: 0.001 });
    const path = join(dir, 'run.json');
    writeBacktestJson(report, path);
    const back = readBacktestJson(path);
    expect(back).toEqual(JSON.parse(readFileSync(path, 'utf8')));
    expect(`${JSON.stringify(back, null, 1)}\n`).toBe(readFileSync(path, 'utf8'));
    expect(back.trades.length).toBe(report.trades.length);
  });

  it('writes the equity points from the columns: the very bytes of JSON.stringify(report, null, 1), to a file and to stdout', async () => {
    const req = { strategy: 'sma-cross', params: { fast: 5, slow: 20 }, data: ['synthetic:6'], commission: 0.001 };
    const report = await runBacktest(req);
    expect(pendingEquityColumns(report)).toBeDefined();
    const path = join(dir, 'columns.json');
    writeBacktestJson(report, path);
    // Written without building the points.
    expect(pendingEquityColumns(report)).toBeDefined();
    const eager = await runBacktest(req);
    const expected = `${JSON.stringify({ ...eager, runSeconds: report.runSeconds }, null, 1)}\n`;
    expect(eager.equity.length).toBeGreaterThan(1000);
    expect(readFileSync(path, 'utf8')).toBe(expected);
    const printed: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => printed.push(String(s)) > 0);
    try {
      writeBacktestJson(report, '-');
    } finally {
      spy.mockRestore();
    }
    expect(printed.length).toBeGreaterThan(2);
    expect(printed.join('')).toBe(expected);
    // Once the points are built (read), the report is written as JSON.stringify writes it.
    expect(report.equity.length).toBe(eager.equity.length);
    expect([...reportJsonPieces(report)]).toEqual([expected]);
  });

  it('formats the points as JSON.stringify does at any depth: none, one, NaN and infinite equity, many pieces', () => {
    // The array nested `depth` objects deep, and the same document with the pieces' text in its place.
    const nest = (depth: number, v: unknown): unknown => (depth === 0 ? v : { k: nest(depth - 1, v) });
    const around = (depth: number, level: number, text: string): string =>
      depth === 0 ? text : `{\n${' '.repeat(level + 1)}"k": ${around(depth - 1, level + 1, text)}\n${' '.repeat(level)}}`;
    for (const n of [0, 1, 3, 2500]) {
      const time = Float64Array.from({ length: n }, (_, i) => Date.UTC(1999, 11, 31, 23, 59) + i * 61_001);
      const equity = Float64Array.from({ length: n }, (_, i) => (i % 7 === 3 ? NaN : i % 11 === 5 ? -Infinity : i === 1 ? -0 : 1e5 + i * 0.1));
      const points = equityPoints(time, equity);
      for (const depth of [0, 1, 3]) {
        const pieces = [...equityJsonPieces({ time, equity }, depth)];
        if (n === 2500) expect(pieces.length).toBe(3);
        expect(around(depth, 0, pieces.join(''))).toBe(JSON.stringify(nest(depth, points), null, 1));
      }
    }
  });

  it('writes the same bytes as the text pieces when it writes the points as bytes (times off the fast path too)', () => {
    for (const n of [0, 1, 3, 30_000]) {
      const time = Float64Array.from({ length: n }, (_, i) => (i % 13 === 4 ? -62_200_000_000_000 + i : i % 17 === 2 ? 1.7e12 + i + 0.5 : Date.UTC(1999, 11, 31, 23, 59) + i * 61_001));
      const equity = Float64Array.from({ length: n }, (_, i) => (i % 7 === 3 ? NaN : i % 11 === 5 ? -Infinity : i === 1 ? -0 : i === 2 ? 0 : i % 5 === 1 ? -1.234567890123456e-300 : i % 3 === 0 ? 1e5 : 1e5 + i * 0.1));
      for (const depth of [0, 1, 3]) {
        const text = [...equityJsonPieces({ time, equity }, depth)].join('');
        for (const reuse of [false, true]) {
          // A reused buffer's chunk is read before the next is asked for, as the file writer does.
          const chunks: Buffer[] = [];
          for (const c of equityJsonChunks({ time, equity }, depth, reuse)) chunks.push(Buffer.from(c));
          if (n === 30_000) expect(chunks.length).toBeGreaterThan(1);
          expect(Buffer.concat(chunks).toString('latin1')).toBe(text);
        }
      }
    }
  });

  it("keeps the strategy's ctx.log lines with their bar times (the meta strategy's allocation decisions)", async () => {
    const report = await runBacktest({ strategy: 'meta', data: ['synthetic:6'], analysis: false, benchmark: false });
    expect(report.logs.length).toBeGreaterThan(0);
    expect(report.logsDropped).toBe(0);
    for (const l of report.logs) expect(l).toMatchObject({ strategyId: 'meta', time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), message: expect.stringMatching(/^meta /) });
    expect(report.logs.map((l) => l.time)).toEqual([...report.logs.map((l) => l.time)].sort());
    const path = join(dir, 'meta.json');
    writeBacktestJson(report, path);
    expect(readBacktestJson(path).logs).toEqual(report.logs);
    // A file written before the field existed reads with no lines.
    const old = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    delete old.logs;
    delete old.logsDropped;
    writeFileSync(path, JSON.stringify(old, null, 1));
    expect(readBacktestJson(path)).toMatchObject({ logs: [], logsDropped: 0 });
  });

  it('an old or damaged file is an InputError naming the file, the line and the field', async () => {
    const report = await runBacktest({ strategy: 'sma-cross', data: ['synthetic:6'], analysis: false, benchmark: false });
    const value = JSON.parse(JSON.stringify(report)) as { fills: { side: string }[] };
    value.fills[0]!.side = 'long';
    const path = join(dir, 'bad.json');
    writeFileSync(path, JSON.stringify(value, null, 1));
    let error: unknown;
    try {
      readBacktestJson(path);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).where).toMatchObject({ file: path, field: 'fills[0].side' });
    expect((error as InputError).message).toMatch(/bad\.json:\d+, field "fills\[0\]\.side": must be "buy" or "sell", got "long"/);
  });

  it('a target it cannot write is a ConfigError on field "target"', async () => {
    const report = await runBacktest({ strategy: 'buy-and-hold', data: ['synthetic:1'], analysis: false, benchmark: false });
    const file = join(dir, 'a-file');
    writeFileSync(file, '');
    expect(() => writeBacktestJson(report, join(file, 'x.json'))).toThrow(ConfigError);
    expect(() => writeBacktestJson(report, join(file, 'x.json'))).toThrow(/field "target": cannot write the report/);
  });
});
