// `sextant user` and `sextant token` as a user runs them (a spawned `node bin/sextant.js` with a password piped
// into its stdin, on each store; the other commands through the CLI's main() in this process, stdin given as a
// stream where they read one: each spawned process pays a Node start and a store opening): a generated
// password printed once and valid, a password from stdin, bad input exit 2 naming the field, tokens shown once
// that verify until revoked, every change in the audit table; on PGlite (--state-dir) and on Postgres
// (DATABASE_URL, a schema of its own).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { Readable } from 'node:stream';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { accessServices } from '../../src/app/access/open.ts';
import { readPasswordStdin } from '../../src/cli/access-io.ts';
import { main } from '../../src/cli/main.ts';
import { openDriver, openStore, type OpenStoreOptions } from '../../src/store/open.ts';
import { postgresForTests, TEST_PG_URL } from '../helpers/postgres.ts';

const ROOT = new URL('../..', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'sextant-cli-access-'));
const state = join(dir, 'state');
const pgUp = await postgresForTests('cli access');
const schema = `sextant_cli_access_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  if (!pgUp) return;
  const db = await openDriver({ url: TEST_PG_URL });
  await db.exec(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await db.close();
});

interface Result {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

function sextant(argv: readonly string[], opts: { stdin?: string; env?: Record<string, string> } = {}): Promise<Result> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env, ...opts.env };
    if (opts.env?.DATABASE_URL === undefined) delete env.DATABASE_URL;
    const child = spawn(process.execPath, ['bin/sextant.js', ...argv], { cwd: ROOT, env });
    let out = '';
    let err = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, out, err }));
    child.stdin.end(opts.stdin ?? '');
  });
}

/** main() in this process; `stdin` is what the command reads as process.stdin, `env` is set while it runs. */
async function inProcess(argv: string[], opts: { stdin?: string; env?: Record<string, string> } = {}): Promise<Result> {
  let out = '';
  let err = '';
  const saved = { ...process.env };
  if (opts.env?.DATABASE_URL === undefined) delete process.env.DATABASE_URL;
  Object.assign(process.env, opts.env);
  const stdin = opts.stdin === undefined ? undefined : vi.spyOn(process, 'stdin', 'get').mockReturnValue(Readable.from([opts.stdin]) as never);
  try {
    const code = await main(argv, (s) => (out += `${s}\n`), (s) => (err += `${s}\n`));
    return { code, out, err };
  } finally {
    stdin?.mockRestore();
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  }
}

/** Runs `fn` on the store the CLI wrote (after the CLI process has exited and released it). */
async function withStore<T>(opts: OpenStoreOptions, fn: (s: ReturnType<typeof accessServices>, raw: Awaited<ReturnType<typeof openStore>>) => Promise<T>): Promise<T> {
  const store = await openStore(opts);
  try {
    return await fn(accessServices(store), store);
  } finally {
    await store.close();
  }
}

const pglite = { dir: join(state, 'db') };
/** The folder's audit trail once the token tests have made their changes (read while their store is open). */
let auditTrail: Awaited<ReturnType<Awaited<ReturnType<typeof openStore>>['audit']['list']>> | undefined;

describe('sextant user / token on a PGlite state folder', () => {
  it('user add prints a generated password once; --password-stdin takes one; both log in', async () => {
    const a = await inProcess(['user', 'add', 'alice', '--role', 'trade', '--state-dir', state]);
    expect(a.err).toBe('');
    expect(a.code).toBe(0);
    const pw = /password \(shown once, store it now\): (\S+)/.exec(a.out)?.[1];
    expect(pw).toMatch(/^[A-Za-z0-9]{24}$/);
    const b = await sextant(['user', 'add', 'bob', '--password-stdin', '--json', '-', '--state-dir', state], { stdin: 'bob-long-password\nignored\n' });
    expect(b.code, b.err).toBe(0);
    expect(JSON.parse(b.out)).toEqual({ username: 'bob', role: 'read', generated: false });
    await withStore(pglite, async (s) => {
      expect((await s.users.authenticate('alice', pw!))?.role).toBe('trade');
      expect((await s.users.authenticate('bob', 'bob-long-password'))?.role).toBe('read');
      expect(await s.users.authenticate('bob', 'ignored')).toBeNull();
    });
  });

  it('refuses bad input with exit 2 naming the field', async () => {
    const short = await inProcess(['user', 'add', 'carol', '--password-stdin', '--state-dir', state], { stdin: 'too-short\n' });
    expect([short.code, short.err]).toEqual([2, expect.stringContaining('field "password"')]);
    expect(await readPasswordStdin(Readable.from(['pw-from-a-pipe-1\r\n', 'next line']))).toBe('pw-from-a-pipe-1');
    await expect(readPasswordStdin(Readable.from([]))).rejects.toThrow(/field "password"/);
    for (const [argv, names] of [
      [['user', 'add', 'Carol'], 'field "username"'],
      [['user', 'add', 'carol', '--role', 'root'], '--role'],
      [['user', 'remove', 'nobody'], 'field "username"'],
      [['token', 'create', '--name', 'x', '--scope', 'admin', '--user', 'alice'], 'field "scope"'],
      [['token', 'create', '--name', 'x', '--scope', 'read', '--ttl-days', '0'], '--ttl-days'],
      [['token', 'revoke', 'nope'], 'field "id"'],
    ] as const) {
      const r = await inProcess([...argv, '--state-dir', state]);
      expect([r.code, r.err], argv.join(' ')).toEqual([2, expect.stringContaining(names)]);
    }
    const missing = await inProcess(['user', 'list', '--state-dir', join(dir, 'nothing-here')]);
    expect([missing.code, missing.err]).toEqual([2, expect.stringContaining('--state-dir')]);
  });

  it('user passwd from stdin; user list without hashes; user remove', async () => {
    const p = await inProcess(['user', 'passwd', 'bob', '--password-stdin', '--state-dir', state], { stdin: 'bob-new-password-2\n' });
    expect([p.code, p.out]).toEqual([0, 'changed the password of bob\n']);
    const list = await inProcess(['user', 'list', '--json', '-', '--state-dir', state]);
    const users = JSON.parse(list.out) as Record<string, unknown>[];
    expect(users.map((u) => [u.username, u.role])).toEqual([['alice', 'trade'], ['bob', 'read']]);
    expect(list.out).not.toMatch(/scrypt|password/i);
    await withStore(pglite, async (s) => expect(await s.users.authenticate('bob', 'bob-new-password-2')).not.toBeNull());
    expect((await inProcess(['user', 'remove', 'bob', '--state-dir', state])).code).toBe(0);
    const text = await inProcess(['user', 'list', '--state-dir', state]);
    expect(text.out).toMatch(/alice\s+trade/);
    expect(text.out).not.toContain('bob');
  });

  it('token create prints the token once; it verifies until revoked; token list never shows it', async () => {
    const c = await inProcess(['token', 'create', '--name', 'ci', '--scope', 'read', '--user', 'alice', '--ttl-days', '30', '--state-dir', state]);
    expect(c.code, c.err).toBe(0);
    const token = c.out.trim().split('\n').at(-1)!;
    expect(token).toMatch(/^sxt_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    const id = token.slice(4, 20);
    expect(c.out).toContain(`created token ${id} "ci": scope read, user alice, expires `);
    await withStore(pglite, async (s) => expect(await s.tokens.verify(token)).toEqual({ id, name: 'ci', scope: 'read', username: 'alice' }));
    const list = await inProcess(['token', 'list', '--json', '-', '--state-dir', state]);
    expect(list.out).not.toContain(token.slice(21));
    expect((JSON.parse(list.out) as { id: string; revokedMs: null }[]).map((t) => [t.id, t.revokedMs])).toEqual([[id, null]]);
    const r = await inProcess(['token', 'revoke', id, '--state-dir', state]);
    expect([r.code, r.out]).toEqual([0, expect.stringContaining(`revoked token ${id} "ci" at `)]);
    auditTrail = await withStore(pglite, async (s, store) => {
      expect(await s.tokens.verify(token)).toBeNull();
      expect((await s.tokens.list())[0]?.revokedMs).toEqual(expect.any(Number));
      // The last change of the folder: its audit trail, read in the same opening (each costs a second) for the next test.
      return store.audit.list({ limit: 100 });
    });
  });

  it('every change is on the audit trail, with the OS user as actor and no secrets', async () => {
    const entries = auditTrail ?? await withStore(pglite, (_s, store) => store.audit.list({ limit: 100 }));
    expect(entries.map((e) => [e.kind, (e.payload as { target: string }).target])).toEqual([
      ['user.add', 'alice'], ['user.add', 'bob'], ['user.passwd', 'bob'], ['user.remove', 'bob'], ['token.create', expect.stringMatching(/^[0-9a-f]{16}$/)], ['token.revoke', expect.stringMatching(/^[0-9a-f]{16}$/)],
    ]);
    for (const e of entries) expect([e.actorKind, e.actor, e.source]).toEqual(['user', expect.stringMatching(/^cli:./), 'cli']);
    expect(JSON.stringify(entries)).not.toMatch(/bob-new-password|bob-long-password|sxt_/);
  });
});

describe.skipIf(!pgUp)('sextant user / token on Postgres (DATABASE_URL)', () => {
  it('adds a user and a token in the schema of SEXTANT_DB_SCHEMA', async () => {
    const env = { DATABASE_URL: TEST_PG_URL, SEXTANT_DB_SCHEMA: schema };
    const a = await sextant(['user', 'add', 'pgadmin', '--role', 'admin', '--password-stdin'], { stdin: 'pg-admin-password\n', env });
    expect(a.code, a.err).toBe(0);
    const t = await inProcess(['token', 'create', '--name', 'pg', '--scope', 'admin', '--user', 'pgadmin', '--json', '-'], { env });
    expect(t.code, t.err).toBe(0);
    const created = JSON.parse(t.out) as { token: string; id: string };
    await withStore({ url: TEST_PG_URL, schema }, async (s) => {
      expect((await s.users.authenticate('pgadmin', 'pg-admin-password'))?.role).toBe('admin');
      expect(await s.tokens.verify(created.token)).toMatchObject({ id: created.id, scope: 'admin' });
    });
  });
});
