// store.access (migration 4) on PGlite and on Postgres: users, sessions, tokens, credentials, bots and the API
// audit, with raw SQL proving the audit table refuses UPDATE, DELETE and TRUNCATE whoever asks, and a backup
// and restore that brings every access row back with the audit still append-only.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.ts';
import type { SqlDriver } from '../../src/store/sql.ts';
import { openDriver, type OpenStoreOptions } from '../../src/store/open.ts';
import { backupStore, restoreStore } from '../../src/store/restore.ts';
import { createSqlStore } from '../../src/store/sql-store.ts';
import type { Store } from '../../src/store/store.ts';
import { postgresForTests, TEST_PG_URL } from '../helpers/postgres.ts';

const pgUp = await postgresForTests('store access');
const root = mkdtempSync(join(tmpdir(), 'sextant-access-'));
const schemas: string[] = [];
afterAll(async () => {
  rmSync(root, { recursive: true, force: true });
  if (schemas.length === 0) return;
  const db = await openDriver({ url: TEST_PG_URL });
  for (const s of schemas) await db.exec(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
  await db.close();
});

const T0 = Date.UTC(2026, 0, 5, 9, 0);

async function expectInputError(p: Promise<unknown>, field: string): Promise<void> {
  const e = await p.then(() => null, (x: unknown) => x);
  expect(e).toBeInstanceOf(InputError);
  expect((e as InputError).where.field).toBe(field);
}

function contract(title: string, opts: () => OpenStoreOptions): void {
  describe(title, () => {
    let db: SqlDriver;
    let store: Store;
    let closed = false;
    beforeAll(async () => {
      db = await openDriver(opts());
      store = await createSqlStore(db);
    });
    afterAll(async () => {
      if (!closed) await store.close();
    });

    it('users: create, duplicate refused, password and role changes, delete cascades to sessions', async () => {
      const a = store.access;
      const u = await a.createUser({ username: 'alice', passwordHash: 'scrypt$h1', role: 'trade', nowMs: T0 });
      expect(u).toEqual({ username: 'alice', passwordHash: 'scrypt$h1', role: 'trade', createdMs: T0, updatedMs: T0 });
      await expectInputError(a.createUser({ username: 'alice', passwordHash: 'x', role: 'read', nowMs: T0 }), 'username');
      await expectInputError(a.createUser({ username: 'bob', passwordHash: 'x', role: 'root' as never, nowMs: T0 }), 'role');
      await a.createUser({ username: 'bob', passwordHash: 'scrypt$h2', role: 'read', nowMs: T0 + 1 });
      expect(await a.setUserPassword('alice', 'scrypt$h3', T0 + 5)).toBe(true);
      expect(await a.setUserPassword('nobody', 'scrypt$h3', T0 + 5)).toBe(false);
      expect(await a.setUserRole('bob', 'admin', T0 + 6)).toBe(true);
      expect((await a.listUsers()).map((x) => [x.username, x.role, x.passwordHash, x.updatedMs])).toEqual([
        ['alice', 'trade', 'scrypt$h3', T0 + 5], ['bob', 'admin', 'scrypt$h2', T0 + 6],
      ]);
      await a.createSession({ idHash: 'sess-bob', username: 'bob', csrf: 'c1', createdMs: T0, expiresMs: T0 + 1000 });
      await expectInputError(a.createSession({ idHash: 'sess-x', username: 'ghost', csrf: 'c', createdMs: T0, expiresMs: T0 + 1 }), 'session.username');
      expect(await a.getSession('sess-bob')).toEqual({ idHash: 'sess-bob', username: 'bob', csrf: 'c1', createdMs: T0, expiresMs: T0 + 1000 });
      expect(await a.deleteUser('bob')).toBe(true);
      expect(await a.deleteUser('bob')).toBe(false);
      expect(await a.getUser('bob')).toBeNull();
      expect(await a.getSession('sess-bob')).toBeNull();
    });

    it('sessions: expired ones are deleted, live ones kept', async () => {
      const a = store.access;
      await a.createSession({ idHash: 's-old', username: 'alice', csrf: 'c', createdMs: T0, expiresMs: T0 + 10 });
      await a.createSession({ idHash: 's-new', username: 'alice', csrf: 'c', createdMs: T0, expiresMs: T0 + 10_000 });
      await expectInputError(a.createSession({ idHash: 's-bad', username: 'alice', csrf: 'c', createdMs: T0, expiresMs: T0 }), 'session.expiresMs');
      expect(await a.deleteExpiredSessions(T0 + 10)).toBe(1);
      expect(await a.getSession('s-old')).toBeNull();
      expect(await a.deleteSession('s-new')).toBe(true);
      expect(await a.deleteSession('s-new')).toBe(false);
    });

    it('tokens: create, find by hash, duplicate refused, revoke once, touch only moves forward', async () => {
      const a = store.access;
      const t = await a.createToken({ id: 'tk1', name: 'ci', tokenHash: 'h-tk1', scope: 'read', username: 'alice', createdMs: T0, expiresMs: T0 + 86_400_000 });
      expect(t).toEqual({ id: 'tk1', name: 'ci', tokenHash: 'h-tk1', scope: 'read', username: 'alice', createdMs: T0, expiresMs: T0 + 86_400_000, revokedMs: null, lastUsedMs: null });
      await expectInputError(a.createToken({ id: 'tk1', name: 'x', tokenHash: 'h-other', scope: 'read', createdMs: T0 }), 'token.id');
      await expectInputError(a.createToken({ id: 'tk9', name: 'x', tokenHash: 'h-tk1', scope: 'read', createdMs: T0 }), 'token.id');
      await a.createToken({ id: 'tk2', name: 'bot', tokenHash: 'h-tk2', scope: 'admin', createdMs: T0 + 1 });
      expect((await a.findToken('h-tk2'))?.id).toBe('tk2');
      expect(await a.findToken('h-nope')).toBeNull();
      await a.touchToken('tk2', T0 + 100);
      await a.touchToken('tk2', T0 + 50);
      expect((await a.getToken('tk2'))?.lastUsedMs).toBe(T0 + 100);
      expect(await a.revokeToken('tk2', T0 + 200)).toBe(true);
      expect(await a.revokeToken('tk2', T0 + 300)).toBe(false);
      expect(await a.revokeToken('nope', T0 + 300)).toBe(false);
      expect((await a.listTokens()).map((x) => [x.id, x.revokedMs])).toEqual([['tk1', null], ['tk2', T0 + 200]]);
    });

    it('credentials: stored as given, listed without secret parts, replaced by id, deleted', async () => {
      const a = store.access;
      const c = { id: 'cr1', venue: 'alpaca', label: 'paper acct', ciphertext: 'Y2lwaGVy', iv: 'aXY=', tag: 'dGFn', mask: { apiKey: '…1234' }, createdMs: T0 };
      await a.putCredential(c);
      expect(await a.getCredential('cr1')).toEqual(c);
      const listed = await a.listCredentials();
      expect(listed).toEqual([{ id: 'cr1', venue: 'alpaca', label: 'paper acct', mask: { apiKey: '…1234' }, createdMs: T0 }]);
      await a.putCredential({ ...c, label: 'renamed' });
      expect((await a.getCredential('cr1'))?.label).toBe('renamed');
      await expectInputError(a.putCredential({ ...c, mask: { apiKey: 5 } as never }), 'credential.mask.apiKey');
      expect(await a.deleteCredential('cr1')).toBe(true);
      expect(await a.getCredential('cr1')).toBeNull();
    });

    it('bots: upsert keeps createdMs, desired state changes, delete', async () => {
      const a = store.access;
      const b = await a.putBot({ id: 'bot1', config: { strategy: 'sma-cross', params: { fast: 5 } }, desired: 'stopped', nowMs: T0 });
      expect(b).toEqual({ id: 'bot1', config: { strategy: 'sma-cross', params: { fast: 5 } }, desired: 'stopped', createdMs: T0, updatedMs: T0 });
      const b2 = await a.putBot({ id: 'bot1', config: { strategy: 'sma-cross', params: { fast: 7 } }, desired: 'stopped', nowMs: T0 + 10 });
      expect([b2.createdMs, b2.updatedMs, b2.config]).toEqual([T0, T0 + 10, { strategy: 'sma-cross', params: { fast: 7 } }]);
      expect((await a.setBotDesired('bot1', 'running', T0 + 20))?.desired).toBe('running');
      expect(await a.setBotDesired('ghost', 'running', T0 + 20)).toBeNull();
      await expectInputError(a.putBot({ id: 'bot2', config: { x: NaN }, desired: 'running', nowMs: T0 }), 'bot.config.x');
      await expectInputError(a.setBotDesired('bot1', 'paused' as never, T0), 'desired');
      expect((await a.listBots()).map((x) => x.id)).toEqual(['bot1']);
      expect(await a.deleteBot('bot1')).toBe(true);
      expect(await a.getBot('bot1')).toBeNull();
    });

    it('audit: chained in seq order, paged and filtered; UPDATE, DELETE and TRUNCATE refused by the database', async () => {
      const t = store.audit;
      const h1 = await t.append([{ tsMs: T0, actorKind: 'user', actor: 'alice', source: '127.0.0.1', kind: 'bot.create', payload: { target: 'bot1', strategy: 'sma-cross' } }]);
      const h2 = await t.append([{ tsMs: T0 + 1, actorKind: 'token', actor: 'tk1', source: '10.0.0.2', kind: 'bot.start', runId: 'bot1', symbol: 'AAPL' }]);
      expect([h1.seq, h2.seq]).toEqual([1, 2]);
      const [e2] = await t.list({ afterSeq: 1, limit: 10 });
      expect(e2).toMatchObject({ seq: 2, tsMs: T0 + 1, actorKind: 'token', actor: 'tk1', source: '10.0.0.2', kind: 'bot.start', runId: 'bot1', symbol: 'AAPL', payload: {}, hash: h2.hash });
      expect(e2!.prevHash).toBe(h1.hash);
      expect((await t.list({ limit: 10, kind: 'bot.*' })).map((x) => x.seq)).toEqual([1, 2]);
      expect((await t.list({ limit: 10, actor: 'alice' })).map((x) => x.seq)).toEqual([1]);
      expect((await t.list({ limit: 10, symbol: 'AAPL', fromMs: T0 + 1, toMs: T0 + 2 })).map((x) => x.seq)).toEqual([2]);
      await expectInputError(t.list({ limit: 0 }), 'limit');
      await expectInputError(t.append([{ tsMs: T0, actorKind: 'robot' as never, actor: 'x', source: 's', kind: 'k' }]), 'audit[0].actorKind');
      await expectInputError(t.append([{ tsMs: 1.5, actorKind: 'user', actor: 'x', source: 's', kind: 'k' }]), 'audit[0].tsMs');
      for (const sql of ["UPDATE audit SET actor = 'mallory'", 'DELETE FROM audit', 'TRUNCATE audit', 'TRUNCATE api_audit']) {
        await expect(db.query(sql), sql).rejects.toThrow(/append-only/);
      }
      expect((await t.list({ limit: 10 })).map((x) => x.actor)).toEqual(['alice', 'tk1']);
    });

    // Last: closes the store the cases above shared (a new store only to close it costs an initdb).
    it('refuses access calls after close', async () => {
      await store.close();
      closed = true;
      await expect(store.access.listUsers()).rejects.toThrow(/closed/);
    });
  });
}

contract('store.access on PGlite (memory://)', () => ({ url: 'memory://' }));
describe.skipIf(!pgUp)('store.access on Postgres', () => {
  const schema = `sextant_access_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  schemas.push(schema);
  contract('store.access on Postgres', () => ({ url: TEST_PG_URL, schema }));
});

describe('backup and restore of the access tables', () => {
  async function seed(opts: OpenStoreOptions): Promise<void> {
    const s = await createSqlStore(await openDriver(opts));
    await s.access.createUser({ username: 'admin', passwordHash: 'scrypt$32768$8$1$c2FsdA==$aGFzaA==', role: 'admin', nowMs: T0 });
    await s.access.createSession({ idHash: 'sh', username: 'admin', csrf: 'cs', createdMs: T0, expiresMs: T0 + 5 });
    await s.access.createToken({ id: 'tk', name: 'n', tokenHash: 'th', scope: 'trade', createdMs: T0 });
    await s.access.putCredential({ id: 'c', venue: 'binance', label: 'l', ciphertext: 'Yw==', iv: 'aQ==', tag: 'dA==', mask: { apiSecret: '…wxyz' }, createdMs: T0 });
    await s.access.putBot({ id: 'b', config: { a: [1, 2.5] }, desired: 'running', nowMs: T0 });
    await s.audit.append([
      { tsMs: T0, actorKind: 'user', actor: 'cli', source: 'cli', kind: 'user.add', payload: { target: 'admin', role: 'admin' } },
      { tsMs: T0 + 1, actorKind: 'user', actor: 'cli', source: 'cli', kind: 'token.create', payload: { target: 'tk' } },
    ]);
    await s.close();
  }
  async function dump(s: Store): Promise<unknown> {
    const a = s.access;
    return [await a.listUsers(), await a.getSession('sh'), await a.listTokens(), await a.getCredential('c'), await a.listBots(), await s.audit.list({ limit: 100 })];
  }

  // One seeded PGlite folder is the source of both round trips (a backup only reads it), dumped once.
  const from: OpenStoreOptions = { dir: join(root, 'src') };
  let before: unknown;
  beforeAll(async () => {
    await seed(from);
    const s = await createSqlStore(await openDriver(from));
    try {
      before = await dump(s);
    } finally {
      await s.close();
    }
  }, 120_000);

  async function roundTrip(to: OpenStoreOptions, toDriver: () => Promise<SqlDriver>): Promise<void> {
    const file = join(root, `access-${Math.random().toString(36).slice(2)}.backup`);
    const summary = await backupStore(from, file);
    expect([summary.rows.users, summary.rows.audit, summary.rows.bots]).toEqual([1, 2, 1]);
    await restoreStore(to, file, true);
    const db = await toDriver();
    const after = await createSqlStore(db);
    try {
      expect(await dump(after)).toEqual(before);
      // The restored audit continues after the restored rows and is still append-only.
      expect((await after.audit.append([{ tsMs: T0 + 2, actorKind: 'user', actor: 'cli', source: 'cli', kind: 'x' }])).seq).toBe(3);
      await expect(db.query('DELETE FROM audit')).rejects.toThrow(/append-only/);
      await expect(db.query('TRUNCATE audit')).rejects.toThrow(/append-only/);
    } finally {
      await after.close();
    }
  }

  it('PGlite folder to PGlite folder', async () => {
    const to = { dir: join(root, 'restored') };
    await roundTrip(to, () => openDriver(to));
  });

  it.skipIf(!pgUp)('PGlite folder to an existing Postgres schema (--force replaces it)', async () => {
    const schema = `sextant_access_r_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
    schemas.push(schema);
    const to = { url: TEST_PG_URL, schema };
    await seed(to); // an existing store with access rows: the restore drops and recreates the tables, trigger included
    await roundTrip(to, () => openDriver(to));
  });
});
