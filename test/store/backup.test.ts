// sextant backup / restore: a store with runs, orders, fills, equity, risk events and strategy state is
// backed up and restored into a new folder (and across PGlite and Postgres); every row of every table comes
// back identical, `sextant status` reports the same, and a damaged or foreign backup is refused before
// anything is touched.
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { makeInstrument } from '../../src/model/instrument.ts';
import { openDriver, openStore, type OpenStoreOptions } from '../../src/store/open.ts';
import { backupStore, restoreStore } from '../../src/store/restore.ts';
import type { SqlDriver } from '../../src/store/sql.ts';
import { createSqlStore } from '../../src/store/sql-store.ts';
import type { Store } from '../../src/store/store.ts';
import { TABLES } from '../../src/store/tables.ts';
import { postgresForTests, TEST_PG_URL } from '../helpers/postgres.ts';

const PG_URL = TEST_PG_URL;
const root = mkdtempSync(join(tmpdir(), 'sextant-backup-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function cli(argv: string[], env: Record<string, string | undefined> = {}): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const saved = { ...process.env };
  Object.assign(process.env, env);
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete process.env[k];
  try {
    const code = await main(argv, (s) => (out += `${s}\n`), (s) => (err += `${s}\n`));
    return { code, out, err };
  } finally {
    for (const k of Object.keys(env)) delete process.env[k];
    Object.assign(process.env, saved);
  }
}

/** A store with two runs, orders, order events, fills (identity column), positions, equity, risk events, settings, state. */
async function fill(s: Store): Promise<void> {
  await s.putInstruments([makeInstrument('AAPL'), makeInstrument('BTC-USD', { assetClass: 'crypto', tickSize: 0.01, lotSize: 0.0001, minQty: 0.0001 })]);
  await s.putStrategy({ id: 'flip', name: 'flip-flop', config: { qty: 10 } });
  for (const run of ['r1', 'r2']) {
    await s.startRun({ id: run, kind: 'paper', config: { strategies: ['flip'], cash: 1e5 }, startedMs: 1_700_000_000_000 });
    for (let i = 1; i <= 30; i++) {
      const id = `${run}-o${i}`;
      const t = 1_700_000_000_000 + i * 60_000;
      const price = 100 + i / 3; // not exactly representable: checks float8 round trips
      s.appendOrders([{ clientOrderId: id, runId: run, strategyId: 'flip', symbol: 'AAPL', side: i % 2 ? 'buy' : 'sell', type: 'market', qty: 10, tif: 'DAY', createdMs: t }]);
      s.appendOrderEvents([{ orderId: id, seq: 1, type: 'OrderFilled', status: 'filled', filledQty: 10, avgFillPrice: price, tsMs: t }]);
      s.appendFills([{ fillId: `${id}#1`, orderId: id, seq: 1, runId: run, strategyId: 'flip', symbol: 'AAPL', side: i % 2 ? 'buy' : 'sell', qty: 10, price, commission: 0.1 + i / 7, liquidity: 'taker', tsMs: t }]);
      s.appendEquity([{ runId: run, tsMs: t, equity: 1e5 + i * Math.PI, cash: 5e4 - i / 9 }]);
    }
    s.appendPositions([{ runId: run, strategyId: 'flip', symbol: 'AAPL', qty: 0, avgPrice: 0, realizedPnl: 12.345678901234, updatedMs: 1_700_000_000_000 }]);
    s.appendRiskEvents([{ runId: run, tsMs: 1_700_000_100_000, kind: 'halt', reason: 'drawdown 5.1%' }]);
    await s.flush();
    await s.saveStrategyState({ runId: run, strategyId: 'flip', state: { n: 3, list: [1.1, 2.2] }, tsMs: 1_700_000_200_000 });
  }
  await s.putSetting('ui', { theme: 'dark' });
  await s.endRun('r1', 'completed', 1_700_000_300_000);
}

/** Every row of every Sextant table, as the database prints it, through an open connection. */
async function rowsOf(db: SqlDriver): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const t of TABLES) {
    const where = t.name === 'settings' ? " WHERE key NOT LIKE 'run-owner:%'" : '';
    out[t.name] = (await db.query<{ j: string }>(`SELECT row_to_json(x)::text AS j FROM ${t.name} x${where} ORDER BY ${t.orderBy}`)).rows.map((r) => r.j);
  }
  return out;
}

/** Every row of every Sextant table of the existing store `opts` points at. */
async function dump(opts: OpenStoreOptions): Promise<Record<string, string[]>> {
  const db = await openDriver({ ...opts, mustExist: true });
  try {
    return await rowsOf(db);
  } finally {
    await db.close();
  }
}

describe('backup and restore (PGlite)', () => {
  const src = join(root, 'src');
  const file = join(root, 'one.backup');
  let before: Record<string, string[]>;

  beforeAll(async () => {
    // Filled and read in one opening of the new store (each opening of an embedded store costs CPU-seconds).
    const db = await openDriver({ dir: join(src, 'db'), env: {} });
    const s = await createSqlStore(db);
    try {
      await fill(s);
      before = await rowsOf(db);
    } finally {
      await s.close();
    }
  }, 120_000);

  it('backs up with sextant backup, restores into a new folder with sextant restore: identical rows and status', async () => {
    expect(before.fills).toHaveLength(60);
    const b = await cli(['backup', '--out', file, '--state-dir', src], { DATABASE_URL: undefined });
    expect(b.err).toBe('');
    expect(b.code).toBe(0);
    expect(b.out).toMatch(/: \d{3} rows \(2 runs, 60 orders, 60 fills\)/);
    const dst = join(root, 'dst');
    const r = await cli(['restore', '--from', file, '--state-dir', dst], { DATABASE_URL: undefined });
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const s1 = await cli(['status', '--run', 'r2', '--state-dir', src, '--json', '-'], { DATABASE_URL: undefined });
    const s2 = await cli(['status', '--run', 'r2', '--state-dir', dst, '--json', '-'], { DATABASE_URL: undefined });
    expect(s2.code).toBe(0);
    const strip = (o: string): unknown => ({ ...(JSON.parse(o) as object), store: null });
    expect(strip(s2.out)).toEqual(strip(s1.out));
    expect((JSON.parse(s2.out) as { fills: number }).fills).toBe(30);
    // The restored rows, then new fills continuing the identity after them (the rows, the store and the query share one opening).
    const db = await openDriver({ dir: join(dst, 'db'), env: {}, mustExist: true });
    expect(await rowsOf(db)).toEqual(before);
    const st = await createSqlStore(db);
    st.appendOrders([{ clientOrderId: 'new', runId: 'r2', strategyId: 'flip', symbol: 'AAPL', side: 'buy', type: 'market', qty: 1, tif: 'DAY', createdMs: 1 }]);
    st.appendFills([{ fillId: 'new#1', orderId: 'new', seq: 1, runId: 'r2', strategyId: 'flip', symbol: 'AAPL', side: 'buy', qty: 1, price: 1, commission: 0, liquidity: 'taker', tsMs: 2 }]);
    await st.flush();
    expect((await db.query<{ a: string }>("SELECT arrival::text AS a FROM fills WHERE fill_id = 'new#1'")).rows[0]!.a).toBe('61');
    await st.close();
  }, 120_000);

  it('refuses to overwrite an existing store without --force; with --force keeps the old folder beside it', async () => {
    const dst = join(root, 'dst');
    const r = await cli(['restore', '--from', file, '--state-dir', dst], { DATABASE_URL: undefined });
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/already holds a store; add --force/);
    const f = await cli(['restore', '--from', file, '--state-dir', dst, '--force'], { DATABASE_URL: undefined });
    expect(f.code).toBe(0);
    expect(f.out).toMatch(/replaced store was kept in .*db\.replaced-/);
    expect(await dump({ dir: join(dst, 'db'), env: {} })).toEqual(before); // the extra fill is gone again
    expect(readdirSync(dst).filter((n) => n.startsWith('db.replaced-'))).toHaveLength(1);
  }, 120_000);

  it('restores over a damaged store with --force', async () => {
    // A copy of the store restored above (the rows of `before`, checked there) is the one damaged here.
    const dst = join(root, 'damaged');
    cpSync(join(root, 'dst', 'db'), join(dst, 'db'), { recursive: true });
    rmSync(join(dst, 'db', 'pgdata', 'PG_VERSION'));
    expect((await cli(['status', '--state-dir', dst], { DATABASE_URL: undefined })).code).toBe(2);
    expect((await cli(['restore', '--from', file, '--state-dir', dst], { DATABASE_URL: undefined })).err).toMatch(/holds a damaged store/);
    expect((await cli(['restore', '--from', file, '--state-dir', dst, '--force'], { DATABASE_URL: undefined })).code).toBe(0);
    expect(await dump({ dir: join(dst, 'db'), env: {} })).toEqual(before);
  }, 120_000);

  it('verifies the backup before touching anything: a changed byte, a truncated file, a foreign file', async () => {
    const text = readFileSync(file, 'utf8');
    const cases: [string, string, RegExp][] = [
      ['changed', text.replace('"drawdown 5.1%"', '"drawdown 5.2%"'), /checksum does not match/],
      ['truncated', text.slice(0, Math.floor(text.length / 2)), /truncated/],
      ['foreign', 'hello\n', /does not start with "SEXTANT-BACKUP"/],
      ['newer', text.replace('SEXTANT-BACKUP 1 ', 'SEXTANT-BACKUP 9 '), /checksum does not match|format version 9/],
    ];
    for (const [name, content, why] of cases) {
      const bad = join(root, `${name}.backup`);
      writeFileSync(bad, content);
      const dst = join(root, `never-${name}`);
      const r = await cli(['restore', '--from', bad, '--state-dir', dst], { DATABASE_URL: undefined });
      expect(r.code, name).toBe(2);
      expect(r.err, name).toMatch(why);
      expect(existsSync(dst), name).toBe(false);
    }
  });

  it('backup refuses a missing store (creates nothing) and an existing --out file', async () => {
    const r = await cli(['backup', '--out', join(root, 'x.backup'), '--state-dir', join(root, 'typo')], { DATABASE_URL: undefined });
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/no store at/);
    expect(existsSync(join(root, 'typo'))).toBe(false);
    expect((await cli(['backup', '--out', file, '--state-dir', src], { DATABASE_URL: undefined })).err).toMatch(/already exists/);
  });

  it('backup of a PGlite store in use by another process is refused, naming the process', async () => {
    // A copy of the filled store (filling another costs a new store).
    const dir = join(root, 'busy');
    cpSync(join(src, 'db'), join(dir, 'db'), { recursive: true });
    writeFileSync(join(dir, 'db', 'lock'), String(process.ppid)); // a live process that is not this one
    const r = await cli(['backup', '--out', join(root, 'busy.backup'), '--state-dir', dir], { DATABASE_URL: undefined });
    expect(r.code).toBe(2);
    expect(r.err).toContain(`is open in process ${process.ppid}`);
    rmSync(join(dir, 'db', 'lock'));
  }, 120_000);
});

const pgUp = await postgresForTests('backup');

describe.skipIf(!pgUp)('backup and restore across PGlite and Postgres', () => {
  const a = `sextant_bk_a_${process.pid}`;
  const b = `sextant_bk_b_${process.pid}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  beforeAll(async () => {
    await admin.connect();
  });
  afterAll(async () => {
    await admin.query(`DROP SCHEMA IF EXISTS ${a} CASCADE; DROP SCHEMA IF EXISTS ${b} CASCADE`);
    await admin.end();
  });

  it('Postgres → file → Postgres (another schema) → file → PGlite: identical rows everywhere', async () => {
    const pa: OpenStoreOptions = { url: PG_URL, schema: a };
    const filler = await openStore(pa);
    await fill(filler);
    await filler.close();
    // A live owner's row is process state, not data: not in the backup.
    const owner = await openStore(pa);
    await owner.lockRun('r2');
    const want = await dump(pa);
    const f1 = join(root, 'pg.backup');
    await backupStore(pa, f1);
    await owner.close();
    const pb: OpenStoreOptions = { url: PG_URL, schema: b };
    await restoreStore(pb, f1, false);
    expect(await dump(pb)).toEqual(want);
    // A second restore into a store in use by a run owner is refused, naming it.
    const busy = await openStore(pb);
    await busy.lockRun('r1');
    await expect(restoreStore(pb, f1, true)).rejects.toThrow(/run "r1" is already running in process/);
    await busy.close();
    await restoreStore(pb, f1, true);
    expect(await dump(pb)).toEqual(want);
    const f2 = join(root, 'pg2.backup');
    await backupStore(pb, f2);
    const dir = join(root, 'from-pg', 'db');
    await restoreStore({ dir, env: {} }, f2, false);
    expect(await dump({ dir, env: {} })).toEqual(want);
  }, 120_000);
});
