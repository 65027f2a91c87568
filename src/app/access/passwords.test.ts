// Password hashes: the stored form names its parameters, a right password verifies and a wrong one does not,
// two hashes of one password differ (salt), short passwords are refused, malformed hashes never verify.
import { describe, expect, it } from 'vitest';
import { InputError } from '../../core/errors.ts';
import { checkPassword, generatePassword, hashPassword, needsRehash, verifyPassword } from './passwords.ts';

describe('passwords', () => {
  it('hashes with scrypt N=2^15 r=8 p=1, a 16-byte salt and a 32-byte key; verifies right and wrong passwords', async () => {
    const h = await hashPassword('correct horse battery');
    const [alg, N, r, p, salt, key] = h.split('$');
    expect([alg, N, r, p]).toEqual(['scrypt', '32768', '8', '1']);
    expect(Buffer.from(salt!, 'base64')).toHaveLength(16);
    expect(Buffer.from(key!, 'base64')).toHaveLength(32);
    expect(await verifyPassword('correct horse battery', h)).toBe(true);
    expect(await verifyPassword('correct horse batterY', h)).toBe(false);
    expect(await verifyPassword('', h)).toBe(false);
    expect(needsRehash(h)).toBe(false);
    const again = await hashPassword('correct horse battery');
    expect(again).not.toBe(h);
    expect(await verifyPassword('correct horse battery', again)).toBe(true);
  });

  it('is memory-hard: one hash takes tens of milliseconds', async () => {
    const t = performance.now();
    await hashPassword('a long enough password');
    expect(performance.now() - t).toBeGreaterThan(15);
  });

  it('refuses passwords shorter than 12 characters (field password)', async () => {
    const e = await hashPassword('short-pw-11').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(InputError);
    expect((e as InputError).where.field).toBe('password');
    expect(checkPassword('twelve-chars')).toBe('twelve-chars');
    expect(() => checkPassword('x'.repeat(1025))).toThrow(/at most 1024/);
  });

  it('never verifies against a malformed or tampered hash, and flags weaker parameters for rehash', async () => {
    const h = await hashPassword('correct horse battery');
    expect(await verifyPassword('correct horse battery', 'plain-text-password')).toBe(false);
    expect(await verifyPassword('correct horse battery', h.replace('$32768$', '$33000$'))).toBe(false);
    expect(await verifyPassword('correct horse battery', h.replace('$32768$', '$1048576000$'))).toBe(false);
    const parts = h.split('$');
    const key = Buffer.from(parts[5]!, 'base64');
    key[0] = key[0]! ^ 1;
    expect(await verifyPassword('correct horse battery', [...parts.slice(0, 5), key.toString('base64')].join('$'))).toBe(false);
    expect(needsRehash(h.replace('$32768$', '$16384$'))).toBe(true);
  });

  it('generates passwords of the asked length from an unambiguous alphabet, all different', () => {
    const ps = Array.from({ length: 50 }, () => generatePassword(24));
    for (const p of ps) expect(p).toMatch(/^[A-HJ-NP-Za-km-z2-9]{24}$/);
    expect(new Set(ps).size).toBe(50);
  });
});
