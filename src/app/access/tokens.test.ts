// API tokens over a real (in-memory PGlite) store: shown once and stored as a hash, verified while valid,
// refused once revoked, expired, altered or when their user is gone, scope capped by the user's role,
// last_used written at most once a minute; the scope order.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../core/errors.ts';
import { openStore } from '../../store/open.ts';
import type { Store } from '../../store/store.ts';
import { CreatedTokenSchema, TokenIdentitySchema, TokenSchema } from '../dto/access.ts';
import { scopeAllows } from './scope.ts';
import { TokenService, VERIFY_CACHE_MS } from './tokens.ts';
import { UserService } from './users.ts';

let store: Store;
let now = Date.UTC(2026, 0, 5);
const clock = { now: () => now };
beforeAll(async () => {
  store = await openStore({ url: 'memory://' });
  await new UserService(store.access, clock).add('alice', 'trade', 'alice-long-password');
});
afterAll(async () => store.close());

async function fieldOf(p: Promise<unknown>): Promise<string | undefined> {
  const e = await p.then(() => null, (x: unknown) => x);
  expect(e).toBeInstanceOf(InputError);
  return (e as InputError).where.field;
}

describe('scopeAllows', () => {
  it('orders read < trade < admin', () => {
    const table = (['read', 'trade', 'admin'] as const).map((have) => (['read', 'trade', 'admin'] as const).map((need) => scopeAllows(have, need)));
    expect(table).toEqual([[true, false, false], [true, true, false], [true, true, true]]);
  });
});

describe('TokenService', () => {
  it('creates sxt_<id>_<secret>, stores only its sha256, verifies it', async () => {
    const tokens = new TokenService(store.access, clock);
    const t = await tokens.create({ name: 'ci', scope: 'read' });
    expect(CreatedTokenSchema.parse(t)).toEqual(t);
    expect(t.token).toMatch(new RegExp(`^sxt_${t.id}_[A-Za-z0-9_-]{43}$`));
    const rec = await store.access.getToken(t.id);
    expect(rec?.tokenHash).toBe(createHash('sha256').update(t.token).digest('hex'));
    expect(JSON.stringify(rec)).not.toContain(t.token.slice(-43));
    expect(TokenIdentitySchema.parse(await tokens.verify(t.token))).toEqual({ id: t.id, name: 'ci', scope: 'read', username: null });
    const listed = await tokens.list();
    expect(listed.map((x) => TokenSchema.strict().parse(x).id)).toEqual([t.id]);
    expect(JSON.stringify(listed)).not.toMatch(/sxt_|tokenHash/);
  });

  it('refuses altered, malformed and unknown tokens', async () => {
    const tokens = new TokenService(store.access, clock);
    const t = await tokens.create({ name: 'x', scope: 'trade' });
    const last = t.token.at(-1) === 'A' ? 'B' : 'A';
    for (const bad of [`${t.token.slice(0, -1)}${last}`, t.token.slice(0, -1), `${t.token}x`, t.token.replace('sxt_', 'sxx_'), '', 'Bearer x', `sxt_${'0'.repeat(16)}_${t.token.slice(-43)}`]) {
      expect(await tokens.verify(bad), bad).toBeNull();
    }
  });

  it('an expired token is refused; ttlDays sets the expiry', async () => {
    const tokens = new TokenService(store.access, clock);
    const t = await tokens.create({ name: 'short', scope: 'read', ttlDays: 1 });
    expect(t.expiresMs).toBe(now + 86_400_000);
    now += 86_400_000 - 1;
    expect(await tokens.verify(t.token)).not.toBeNull();
    now += 1;
    expect(await tokens.verify(t.token)).toBeNull();
  });

  it('a revoked token is refused at once; revoking twice keeps the first time; unknown id refused', async () => {
    const tokens = new TokenService(store.access, clock);
    const t = await tokens.create({ name: 'gone', scope: 'admin' });
    expect(await tokens.verify(t.token)).not.toBeNull();
    const r = await tokens.revoke(t.id);
    expect(r.revokedMs).toBe(now);
    expect(await tokens.verify(t.token)).toBeNull();
    now += 5;
    expect((await tokens.revoke(t.id)).revokedMs).toBe(now - 5);
    expect(await fieldOf(tokens.revoke('nope'))).toBe('id');
  });

  it("a user's token never exceeds the user's role, and dies with the user", async () => {
    const tokens = new TokenService(store.access, clock);
    const users = new UserService(store.access, clock);
    expect(await fieldOf(tokens.create({ name: 'too much', scope: 'admin', username: 'alice' }))).toBe('scope');
    expect(await fieldOf(tokens.create({ name: 'n', scope: 'read', username: 'ghost' }))).toBe('username');
    const t = await tokens.create({ name: 'alice-bot', scope: 'trade', username: 'alice' });
    expect(await tokens.verify(t.token)).toMatchObject({ scope: 'trade', username: 'alice' });
    await users.setRole('alice', 'read');
    // A verified token is taken for VERIFY_CACHE_MS without reading the store again; then the new role counts.
    expect((await tokens.verify(t.token))?.scope).toBe('trade');
    now += VERIFY_CACHE_MS;
    expect((await tokens.verify(t.token))?.scope).toBe('read');
    await users.remove('alice');
    now += VERIFY_CACHE_MS;
    expect(await tokens.verify(t.token)).toBeNull();
  });

  it('a revocation through the service is refused at once, cached or not', async () => {
    const tokens = new TokenService(store.access, clock);
    const t = await tokens.create({ name: 'short-lived', scope: 'trade' });
    expect(await tokens.verify(t.token)).toMatchObject({ id: t.id });
    await tokens.revoke(t.id);
    expect(await tokens.verify(t.token)).toBeNull();
  });

  it("cached() is verify's fresh answer without a promise, and nothing verify would not answer from its cache", async () => {
    const tokens = new TokenService(store.access, clock);
    const users = new UserService(store.access, clock);
    await users.add('carol', 'admin', 'carol-long-password');
    const t = await tokens.create({ name: 'poller', scope: 'read', ttlDays: 1 });
    const u = await tokens.create({ name: 'carol-script', scope: 'trade', username: 'carol' });
    const other = await tokens.create({ name: 'other', scope: 'read' });
    // Never verified, malformed or altered: only verify can tell.
    const last = t.token.at(-1) === 'A' ? 'B' : 'A';
    for (const x of [t.token, '', 'Bearer x', `${t.token.slice(0, -1)}${last}`]) expect(tokens.cached(x), x).toBeUndefined();
    const id = await tokens.verify(t.token);
    expect(tokens.cached(t.token)).toEqual(id);
    expect(tokens.cached(`${t.token.slice(0, -1)}${last}`)).toBeUndefined();
    // Fresh for VERIFY_CACHE_MS, then a store read again.
    now += VERIFY_CACHE_MS - 1;
    expect(tokens.cached(t.token)).toEqual(id);
    now += 1;
    expect(tokens.cached(t.token)).toBeUndefined();
    // Never past the token's expiry, even within the cache's time.
    now = t.expiresMs! - 1;
    expect(await tokens.verify(t.token)).toEqual(id);
    now += 1;
    expect(tokens.cached(t.token)).toBeUndefined();
    expect(await tokens.verify(t.token)).toBeNull();
    // A revocation or the user's removal through the service: at once.
    expect(await tokens.verify(other.token)).not.toBeNull();
    await tokens.revoke(other.id);
    expect(tokens.cached(other.token)).toBeUndefined();
    expect(await tokens.verify(u.token)).toMatchObject({ scope: 'trade', username: 'carol' });
    expect(tokens.cached(u.token)).toMatchObject({ scope: 'trade', username: 'carol' });
    tokens.forgetUser('carol');
    expect(tokens.cached(u.token)).toBeUndefined();
  });

  it('writes last_used at most once a minute', async () => {
    const tokens = new TokenService(store.access, clock);
    const t = await tokens.create({ name: 'busy', scope: 'read' });
    const t0 = now;
    await tokens.verify(t.token);
    now += 59_999;
    await tokens.verify(t.token);
    expect((await store.access.getToken(t.id))?.lastUsedMs).toBe(t0);
    // The answer of t0 + 59,999 is cached until VERIFY_CACHE_MS later; the next store read writes the time.
    now += VERIFY_CACHE_MS;
    await tokens.verify(t.token);
    expect((await store.access.getToken(t.id))?.lastUsedMs).toBe(t0 + 59_999 + VERIFY_CACHE_MS);
  });

  it('bad requests name the field', async () => {
    const tokens = new TokenService(store.access, clock);
    expect(await fieldOf(tokens.create({ name: '', scope: 'read' }))).toBe('name');
    expect(await fieldOf(tokens.create({ name: 'n', scope: 'god' as never }))).toBe('scope');
    for (const ttlDays of [0, -1, Number.NaN, 3651]) expect(await fieldOf(tokens.create({ name: 'n', scope: 'read', ttlDays }))).toBe('ttlDays');
  });
});
