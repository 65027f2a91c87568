// `sextant data` and `sextant sql` (called directly; the lead wires them into src/cli/main.ts).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isUserError } from '../../src/core/errors.ts';
import { dataCommand } from '../../src/cli/data-command.ts';
import { sqlCommand } from '../../src/cli/sql-command.ts';
import { stopSyncReader } from '../../src/store/warehouse/index.ts';
import { tempDir, waveCsv } from './helpers.ts';

afterAll(() => stopSyncReader());

const files = tempDir('sextant-wh-cli-');

async function run(cmd: typeof dataCommand, argv: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const code = await cmd(argv, (s) => (out += `${s}\n`));
  return { code, out };
}

describe('sextant data', () => {
  it('imports a CSV under --symbol and lists symbols with bar count, first and last time', async () => {
    const wh = tempDir();
    const csv = waveCsv(files, 'prices.csv', 30);
    const imp = await run(dataCommand, ['import', `csv:${csv}`, '--symbol', 'spy', '--warehouse', wh]);
    expect(imp.code).toBe(0);
    expect(imp.out).toBe(`SPY: 30 bar(s) imported (new symbol); 30 stored in ${join(wh, 'bars', 'symbol=SPY', 'bars.parquet')}\n`);
    const again = await run(dataCommand, ['import', `csv:${csv}`, '--symbol', 'SPY', '--warehouse', wh]);
    expect(again.out).toContain('SPY: 30 bar(s) imported (0 new, 30 replaced); 30 stored');
    await run(dataCommand, ['import', `csv:${waveCsv(files, 'qqq.csv', 5, { startMs: Date.UTC(2023, 2, 1) })}`, '--warehouse', wh]);
    const json = join(files, 'list.json');
    const list = await run(dataCommand, ['list', '--warehouse', wh, '--json', json]);
    expect(list.out.split('\n').slice(0, 4)).toEqual([
      'Symbol  Bars                     First                      Last',
      '------  ----  ------------------------  ------------------------',
      'QQQ        5  2023-03-01T00:00:00.000Z  2023-03-07T00:00:00.000Z',
      'SPY       30  2020-01-01T00:00:00.000Z  2020-02-11T00:00:00.000Z',
    ]);
    expect(JSON.parse(readFileSync(json, 'utf8'))).toEqual([
      { symbol: 'QQQ', bars: 5, first: '2023-03-01T00:00:00.000Z', last: '2023-03-07T00:00:00.000Z' },
      { symbol: 'SPY', bars: 30, first: '2020-01-01T00:00:00.000Z', last: '2020-02-11T00:00:00.000Z' },
    ]);
  });

  it('reports skipped rows with --skip-bad-rows, and replaces with --replace', async () => {
    const wh = tempDir();
    const csv = waveCsv(files, 'holes.csv', 12, { badLine: 3 });
    const r = await run(dataCommand, ['import', `csv:${csv}`, '--skip-bad-rows', '--warehouse', wh]);
    expect(r.out).toContain('HOLES: 11 bar(s) imported (new symbol)');
    expect(r.out).toContain(`1 bad row(s) skipped:\n  ${csv}:5, field "Open": cannot parse "abc" as a number\n`);
    const rep = await run(dataCommand, ['import', `csv:${waveCsv(files, 'holes2.csv', 4)}`, '--symbol', 'holes', '--replace', '--warehouse', wh]);
    expect(rep.out).toContain('HOLES: 4 bar(s) imported (replacing the 11 stored); 4 stored');
  });

  it('says so when the warehouse holds no bars', async () => {
    const wh = tempDir();
    expect((await run(dataCommand, ['list', '--warehouse', wh])).out).toBe(`the warehouse ${wh} holds no bars (import with: sextant data import csv:<path> --symbol X)\n`);
  });

  it.each([
    [[], /usage: sextant data import/],
    [['frob'], /unknown subcommand "frob"/],
    [['import'], /name one source to import/],
    [['import', 'parquet:x'], /unknown data source "parquet:x"/],
    [['import', 'csv:/no/such/file.csv'], /\/no\/such\/file.csv: cannot read the file: no such file/],
    [['list', 'extra'], /data list takes no arguments/],
  ])('rejects %j as a user error', async (argv, message) => {
    const err = await dataCommand([...argv, '--warehouse', tempDir()], () => {}).catch((e: unknown) => e);
    expect(isUserError(err)).toBe(true);
    expect((err as Error).message).toMatch(message);
  });
});

describe('sextant sql', () => {
  it('prints a table and writes the same rows as JSON and CSV', async () => {
    const wh = tempDir();
    await run(dataCommand, ['import', `csv:${waveCsv(files, 'abc.csv', 10)}`, '--warehouse', wh]);
    const json = join(files, 'q.json');
    const csv = join(files, 'q.csv');
    const q = `select symbol, count(*) as n, min(time) as first, 'a,"b"' as odd, null as nothing from bars group by symbol`;
    const r = await run(sqlCommand, [q, '--warehouse', wh, '--json', json, '--csv', csv]);
    expect(r.code).toBe(0);
    expect(r.out).toBe([
      'symbol   n                first    odd  nothing',
      '------  --  -------------------  -----  -------',
      'ABC     10  2020-01-01 00:00:00  a,"b"     NULL',
      '(1 row)',
      '',
    ].join('\n'));
    expect(JSON.parse(readFileSync(json, 'utf8'))).toEqual([{ symbol: 'ABC', n: 10, first: '2020-01-01 00:00:00', odd: 'a,"b"', nothing: null }]);
    expect(readFileSync(csv, 'utf8')).toBe('symbol,n,first,odd,nothing\nABC,10,2020-01-01 00:00:00,"a,""b""",\n');
  });

  it('prints at most --max-rows rows but writes all of them', async () => {
    const wh = tempDir();
    const csv = join(files, 'all.csv');
    const r = await run(sqlCommand, ['select * from range(7) t(i)', '--max-rows', '3', '--csv', csv, '--warehouse', wh]);
    expect(r.out).toContain('... 4 more row(s): raise --max-rows or write them all with --csv / --json\n(7 rows)');
    expect(r.out.split('\n').filter((l) => /^\d$/.test(l.trim()))).toEqual(['0', '1', '2']);
    expect(readFileSync(csv, 'utf8')).toBe('i\n0\n1\n2\n3\n4\n5\n6\n');
  });

  it('reads the query from --file', async () => {
    const path = join(files, 'q.sql');
    writeFileSync(path, 'select 40 + 2 as answer;\n');
    expect((await run(sqlCommand, ['--file', path, '--warehouse', tempDir()])).out).toBe('answer\n------\n42    \n(1 row)\n');
  });

  it('turns bad SQL into a user error (exit 2) with DuckDB message', async () => {
    const err = await sqlCommand(['selec', '1', '--warehouse', tempDir()], () => {}).catch((e: unknown) => e);
    expect(isUserError(err)).toBe(true);
    expect((err as Error).message).toMatch(/^field "sql": Parser Error: syntax error at or near "selec"/);
    const missing = await sqlCommand(['select * from nowhere', '--warehouse', tempDir()], () => {}).catch((e: unknown) => e);
    expect(isUserError(missing)).toBe(true);
    expect((missing as Error).message).toMatch(/Catalog Error: Table with name nowhere does not exist/);
  });

  it('refuses an empty query', async () => {
    const err = await sqlCommand(['--warehouse', tempDir()], () => {}).catch((e: unknown) => e);
    expect(isUserError(err)).toBe(true);
    expect((err as Error).message).toMatch(/usage: sextant sql/);
  });
});
