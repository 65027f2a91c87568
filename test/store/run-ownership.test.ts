// Run ownership on Postgres (issue 13, item 4): two `sextant paper` processes on the same run. The second
// must stop with exit 2 naming the run and the owner's pid and host, and send no order; the first keeps
// trading; once the first is killed (SIGKILL), the server drops its lock and a third process resumes the run.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureAsUserFile } from '../helpers/fixture-as-user-file.ts';
import { postgresForTests, TEST_PG_URL } from '../helpers/postgres.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const PG_URL = TEST_PG_URL;
const schema = `sextant_own_${process.pid}`;

const pgUp = await postgresForTests('run ownership');

/**
 * Bars for about a minute of the owner's trading at its pace (BAR_PACE_MS each), which outlasts the second process and
 * the checks around it on a loaded machine; the third process replays what is left at full speed (its CPU, and the
 * server's: one commit a bar), so the slower pace (40 ms a bar over 1,500 bars before) costs less for the same minute.
 */
const BARS = 240;
const BAR_PACE_MS = 250;

function writeBars(dir: string): string {
  const rows = ['Date,Open,High,Low,Close,Volume'];
  for (let i = 0; i < BARS; i++) {
    const p = 100 + 10 * Math.sin(i / 7);
    const d = new Date(Date.UTC(2000, 0, 3) + i * 86_400_000).toISOString().slice(0, 10);
    rows.push(`${d},${p.toFixed(2)},${(p + 1).toFixed(2)},${(p - 1).toFixed(2)},${p.toFixed(2)},100000`);
  }
  const path = join(dir, 'bars.csv');
  writeFileSync(path, rows.join('\n') + '\n');
  return path;
}

function paper(stateDir: string, csv: string, strategy: string, speed: string): { child: ChildProcess; done: Promise<{ code: number | null; stderr: string }> } {
  const child = spawn(process.execPath, [join(ROOT, 'bin/sextant.js'), 'paper', '--strategy', strategy, '--replay', `csv:${csv}`,
    '--speed', speed, '--run', 'shared', '--state-dir', stateDir, '--quiet'], {
    cwd: ROOT, env: { ...process.env, DATABASE_URL: PG_URL, SEXTANT_DB_SCHEMA: schema }, stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (b: Buffer) => (stderr += b.toString()));
  return { child, done: new Promise((res) => child.on('exit', (code) => res({ code, stderr }))) };
}

describe.skipIf(!pgUp)(`run ownership on Postgres${pgUp ? '' : ` (SKIPPED: no server at ${PG_URL})`}`, () => {
  const db = new pg.Client({ connectionString: PG_URL });
  beforeAll(async () => {
    await db.connect();
    await db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  });
  afterAll(async () => {
    await db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await db.end();
  });

  const ordersBy = async (pid: number): Promise<number> =>
    Number((await db.query<{ n: string }>(`SELECT count(*) AS n FROM ${schema}.orders WHERE tag = $1`, [`pid:${pid}`])).rows[0]!.n);

  async function until(what: string, ok: () => Promise<boolean>): Promise<void> {
    for (const t0 = Date.now(); Date.now() - t0 < 60_000; ) {
      if (await ok().catch(() => false)) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`timed out waiting for ${what}`);
  }

  it('refuses a second process on the same run (exit 2, names the owner, no order) and frees the run when the owner dies', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sextant-own-'));
    const csv = writeBars(dir);
    // The fixture as a user's file (importing 'sextant'); all three processes run it, as the same strategy.
    const strategy = fixtureAsUserFile('pid-tagger.ts', dir);
    // Owner: a daily bar every BAR_PACE_MS, about a minute of trading.
    const a = paper(join(dir, 'a'), csv, strategy, String(86_400_000 / BAR_PACE_MS));
    await until('the first process to own the run and trade', async () => (await ordersBy(a.child.pid!)) >= 3);
    const owner = (await db.query<{ value: { pid: number; host: string } }>(`SELECT value FROM ${schema}.settings WHERE key = 'run-owner:shared'`)).rows[0]!.value;
    expect(owner).toMatchObject({ pid: a.child.pid, host: hostname() });

    const b = paper(join(dir, 'b'), csv, strategy, 'max');
    const rb = await b.done;
    expect(rb.code, rb.stderr).toBe(2);
    expect(rb.stderr).toContain(`run "shared" is already running in process ${a.child.pid} on ${hostname()}`);
    expect(rb.stderr).not.toMatch(/\n\s+at /); // a message, not a stack trace
    expect(await ordersBy(b.child.pid!)).toBe(0);

    // The owner was not disturbed: it keeps trading.
    const before = await ordersBy(a.child.pid!);
    await until('the owner to keep trading', async () => (await ordersBy(a.child.pid!)) > before);
    expect(a.child.exitCode).toBeNull();

    // SIGKILL: no clean release, yet the server ends the owner's session and with it the lock.
    a.child.kill('SIGKILL');
    await a.done;
    const c = paper(join(dir, 'c'), csv, strategy, 'max');
    const rc = await c.done;
    expect(rc.code, rc.stderr).toBe(0);
    expect(await ordersBy(c.child.pid!)).toBeGreaterThan(0);
    const left = await db.query(`SELECT 1 FROM ${schema}.settings WHERE key = 'run-owner:shared'`);
    expect(left.rows).toEqual([]);
  }, 180_000);
});
