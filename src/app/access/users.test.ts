// Users and sessions over a real (in-memory PGlite) store: add with a given or generated password, bad
// usernames and passwords refused by field, authenticate right/wrong/unknown, passwd, roles, remove, the first
// admin; sessions created, verified, expired, destroyed, dropped with their user.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../core/errors.ts';
import { openStore } from '../../store/open.ts';
import type { Store } from '../../store/store.ts';
import { AddedUserSchema, SessionIdentitySchema, UserSchema } from '../dto/access.ts';
import { csrfMatches, SessionService } from './sessions.ts';
import { UserService } from './users.ts';

let store: Store;
let now = Date.UTC(2026, 0, 5);
const clock = { now: () => now };
beforeAll(async () => {
  store = await openStore({ url: 'memory://' });
});
afterAll(async () => store.close());

async function fieldOf(p: Promise<unknown>): Promise<string | undefined> {
  const e = await p.then(() => null, (x: unknown) => x);
  expect(e).toBeInstanceOf(InputError);
  return (e as InputError).where.field;
}

describe('UserService', () => {
  it('ensureAdmin creates admin with a random password on an empty table, once', async () => {
    const users = new UserService(store.access, clock);
    const first = await users.ensureAdmin();
    expect(AddedUserSchema.parse(first)).toMatchObject({ username: 'admin', role: 'admin', generated: true });
    expect(first!.password.length).toBeGreaterThanOrEqual(20);
    expect(await users.ensureAdmin()).toBeNull();
    expect((await users.authenticate('admin', first!.password))?.role).toBe('admin');
  });

  it('adds users, never returns hashes, authenticates right password only', async () => {
    const users = new UserService(store.access, clock);
    const added = await users.add('alice', 'trade', 'alice-long-password');
    expect(added).toEqual({ username: 'alice', role: 'trade', password: 'alice-long-password', generated: false });
    const gen = await users.add('bob.ops', 'read');
    expect(gen.password).toMatch(/^[A-Za-z0-9]{24}$/);
    const listed = await users.list();
    expect(listed.map((u) => u.username)).toEqual(['admin', 'alice', 'bob.ops']);
    for (const u of listed) expect(Object.keys(UserSchema.strict().parse(u)).sort()).toEqual(['createdMs', 'role', 'updatedMs', 'username']);
    expect(await users.authenticate('alice', 'alice-long-password')).toEqual({ username: 'alice', role: 'trade', createdMs: now, updatedMs: now });
    expect(await users.authenticate('alice', 'alice-long-passworD')).toBeNull();
    expect(await users.authenticate('bob.ops', gen.password)).toMatchObject({ username: 'bob.ops' });
    expect(await users.authenticate('nobody', 'alice-long-password')).toBeNull();
    expect(await users.authenticate('Bad Name', 'alice-long-password')).toBeNull();
  });

  it('an unknown user costs about as much as a wrong password (one scrypt either way)', async () => {
    const users = new UserService(store.access, clock);
    await users.authenticate('ghost', 'warm-up-password'); // the decoy hash is made once
    const time = async (u: string): Promise<number> => {
      const t = performance.now();
      await users.authenticate(u, 'wrong-password-here');
      return performance.now() - t;
    };
    const known = Math.min(await time('alice'), await time('alice'), await time('alice'));
    const unknown = Math.min(await time('ghost'), await time('ghost'), await time('ghost'));
    expect(unknown).toBeGreaterThan(known * 0.33);
    expect(unknown).toBeLessThan(known * 3);
  });

  it('refuses bad usernames, short passwords, bad roles and duplicates, naming the field', async () => {
    const users = new UserService(store.access, clock);
    for (const name of ['Al', 'ab', '1alice', 'alice smith', 'ALICE', 'a'.repeat(33), 'al/ice']) expect(await fieldOf(users.add(name, 'read', 'long-enough-password'))).toBe('username');
    expect(await fieldOf(users.add('carol', 'read', 'too-short'))).toBe('password');
    expect(await fieldOf(users.add('carol', 'root' as never, 'long-enough-password'))).toBe('role');
    expect(await fieldOf(users.add('alice', 'read', 'long-enough-password'))).toBe('username');
    expect(await users.get('carol')).toBeNull();
  });

  it('passwd replaces the password; setRole and remove; unknown users refused', async () => {
    const users = new UserService(store.access, clock);
    now += 1000;
    expect(await users.passwd('alice', 'alice-new-password')).toEqual({ username: 'alice', password: 'alice-new-password', generated: false });
    expect(await users.authenticate('alice', 'alice-long-password')).toBeNull();
    expect((await users.authenticate('alice', 'alice-new-password'))?.updatedMs).toBe(now);
    expect(await fieldOf(users.passwd('alice', 'short'))).toBe('password');
    expect(await fieldOf(users.passwd('nobody', 'long-enough-password'))).toBe('username');
    expect((await users.setRole('bob.ops', 'admin')).role).toBe('admin');
    await users.remove('bob.ops');
    expect(await fieldOf(users.remove('bob.ops'))).toBe('username');
    expect(await users.authenticate('bob.ops', 'whatever-password')).toBeNull();
  });
});

describe('SessionService', () => {
  it('creates a session whose id is not stored, verifies it with the user\'s current role, checks CSRF', async () => {
    const sessions = new SessionService(store.access, clock);
    const s = await sessions.create('alice', 60_000);
    expect(s.sessionId).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(s.expiresMs).toBe(now + 60_000);
    const v = await sessions.verify(s.sessionId);
    expect(SessionIdentitySchema.parse(v)).toEqual({ username: 'alice', role: 'trade', csrfToken: s.csrfToken, expiresMs: s.expiresMs });
    expect(csrfMatches(v!, s.csrfToken)).toBe(true);
    expect(csrfMatches(v!, s.csrfToken.slice(1))).toBe(false);
    expect(csrfMatches(v!, undefined)).toBe(false);
    // Only the hash is in the store: the id itself finds nothing.
    expect(await store.access.getSession(s.sessionId)).toBeNull();
    // Another id (its last character changed; one in 64 ids already ends in A).
    expect(await sessions.verify(`${s.sessionId.slice(0, -1)}${s.sessionId.endsWith('A') ? 'B' : 'A'}`)).toBeNull();
    await new UserService(store.access, clock).setRole('alice', 'read');
    expect((await sessions.verify(s.sessionId))?.role).toBe('read');
    await new UserService(store.access, clock).setRole('alice', 'trade');
  });

  it('an expired session is refused and deleted; destroy logs out; a removed user\'s sessions go', async () => {
    const sessions = new SessionService(store.access, clock);
    const s = await sessions.create('alice', 1000);
    now += 1000;
    expect(await sessions.verify(s.sessionId)).toBeNull();
    now -= 1000;
    expect(await sessions.verify(s.sessionId)).toBeNull(); // deleted when found expired
    const t = await sessions.create('alice');
    expect(t.expiresMs - now).toBe(12 * 3_600_000);
    expect(await sessions.destroy(t.sessionId)).toBe(true);
    expect(await sessions.verify(t.sessionId)).toBeNull();
    expect(await sessions.destroy('not-a-session')).toBe(false);
    const users = new UserService(store.access, clock);
    await users.add('dave', 'read', 'dave-long-password');
    const d = await sessions.create('dave');
    await users.remove('dave');
    expect(await sessions.verify(d.sessionId)).toBeNull();
    expect(await fieldOf(sessions.create('ghost'))).toBe('session.username');
    const old = await sessions.create('alice', 10);
    now += 10;
    expect(await sessions.purgeExpired()).toBe(1);
    expect(await sessions.verify(old.sessionId)).toBeNull();
  });
});
