// `sextant report` through the built CLI (dist: two spawns, cheaper here than loading the app in the test
// process) on a PGlite store written here: the blotter of one day as CSV on stdout, and the 13F information
// table XML priced from the run's own replay source.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open.ts';
import { fills, order } from './records.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const env = { ...process.env, DATABASE_URL: '' };
const sextant = (args: readonly string[]) => spawnSync(process.execPath, ['bin/sextant.js', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000, env });

describe('sextant report (built CLI)', () => {
  it('prints a blotter CSV and a 13F XML of a stored paper run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sextant-report-'));
    const csv = join(dir, 'orcl.csv');
    writeFileSync(csv, 'Date,Open,High,Low,Close,Volume\n2024-12-30,40,41,39.5,40.5,1000\n2024-12-31,40.5,41.5,40,41.25,1000\n2025-01-02,41,51,40,50,1000\n');
    const store = await openStore({ dir: join(dir, 'db'), env: {} });
    await store.startRun({ id: 'cli', kind: 'paper', config: { replay: `csv:${csv}` }, startedMs: Date.UTC(2024, 11, 30) });
    const t = (iso: string): number => Date.parse(iso);
    await store.write({
      orders: [
        { ...order({ id: 'cli-1', symbol: 'ORCL', side: 'buy', qty: 100, createdMs: t('2024-12-30T00:00:00Z') }, 'cli'), status: 'initialized' },
        { ...order({ id: 'cli-2', symbol: 'ORCL', side: 'sell', qty: 40, createdMs: t('2024-12-31T00:00:00Z') }, 'cli'), status: 'initialized' },
        { ...order({ id: 'cli-3', symbol: 'ORCL', side: 'buy', qty: 5, createdMs: t('2025-01-01T00:00:00Z') }, 'cli'), status: 'initialized' },
      ],
      fills: fills([
        ['cli-1', 'ORCL', 'buy', 100, 40.5, 4.05, t('2024-12-30T21:00:00Z')],
        ['cli-2', 'ORCL', 'sell', 15, 41, 0.615, t('2024-12-31T15:00:00.250Z')],
        ['cli-2', 'ORCL', 'sell', 25, 41.1, 1.0275, t('2024-12-31T15:00:01Z')],
        ['cli-3', 'ORCL', 'buy', 5, 41, 0.205, t('2025-01-02T15:00:00Z')],
      ], 'cli'),
    });
    await store.close();
    const common = ['--run', 'cli', '--reference', 'examples/instruments.csv', '--state-dir', dir];

    const b = sextant(['report', 'blotter', ...common, '--date', '2024-12-31', '--csv', '-']);
    expect(b.status, b.stderr).toBe(0);
    expect(b.stdout.split(/\r?\n/)).toEqual([
      'tradeDate,tradeTime,account,strategy,symbol,securityName,cusip,side,quantity,unitPrice,multiplier,aggregatePrice,commission,netAmount,liquidity,venue,venueOrderId,clientOrderId,executionId,orderType',
      '2024-12-31,2024-12-31T15:00:00.250Z,cli,s1,ORCL,Oracle Corporation common stock,68389X105,sell,15,41,1,615,0.615,614.385,taker,SIMULATED,,cli-2,cli-2#1,market',
      '2024-12-31,2024-12-31T15:00:01.000Z,cli,s1,ORCL,Oracle Corporation common stock,68389X105,sell,25,41.1,1,1027.5,1.0275,1026.4725,taker,SIMULATED,,cli-2,cli-2#2,market',
      '',
    ]);

    const x = sextant(['report', '13f', ...common, '--quarter', '2024Q4', '--out', '-']);
    expect(x.status, x.stderr).toBe(0);
    // 100 bought, 40 sold by the end of 2024-12-31 (the 5 bought in January do not count): 60 at 41.25 = 2475,
    // priced from the run's own replay source (no --data given).
    expect(x.stdout).toContain('<cusip>68389X105</cusip>\n    <value>2475</value>\n    <shrsOrPrnAmt>\n      <sshPrnamt>60</sshPrnamt>');
    expect(x.stdout.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<informationTable xmlns="http://www.sec.gov/edgar/document/thirteenf/informationtable">')).toBe(true);
  }, 60_000);
});
