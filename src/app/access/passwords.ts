// Password hashing: scrypt (memory-hard: N=2^15, r=8, p=1 takes 32 MiB and ~50-100 ms per hash) with a random
// 16-byte salt, stored as the self-describing string `scrypt$N$r$p$saltB64$hashB64` so the parameters can be
// raised later without breaking stored hashes. Verification compares in constant time.
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { InputError } from '../../core/errors.ts';

export const SCRYPT_PARAMS = { N: 2 ** 15, r: 8, p: 1 } as const;
export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 1024;
const KEY_LENGTH = 32;
const SALT_BYTES = 16;

function scrypt(password: string, salt: Buffer, keylen: number, o: { N: number; r: number; p: number }): Promise<Buffer> {
  // 128 * N * r bytes of work memory; Node's default cap (32 MiB) is exactly N=2^15, r=8 and refuses it.
  const options: ScryptOptions = { N: o.N, r: o.r, p: o.p, maxmem: 256 * o.N * o.r + 1024 * 1024 };
  return new Promise((resolve, reject) => scryptCb(password.normalize('NFC'), salt, keylen, options, (e, key) => (e ? reject(e) : resolve(key))));
}

/** Throws an InputError (field 'password') for a password too short or too long to accept. */
export function checkPassword(password: unknown): string {
  if (typeof password !== 'string') throw new InputError('must be a string', { field: 'password' });
  if ([...password].length < MIN_PASSWORD_LENGTH) throw new InputError(`must be at least ${MIN_PASSWORD_LENGTH} characters`, { field: 'password' });
  if (password.length > MAX_PASSWORD_LENGTH) throw new InputError(`must be at most ${MAX_PASSWORD_LENGTH} characters`, { field: 'password' });
  return password;
}

export async function hashPassword(password: string): Promise<string> {
  checkPassword(password);
  const salt = randomBytes(SALT_BYTES);
  const { N, r, p } = SCRYPT_PARAMS;
  const key = await scrypt(password, salt, KEY_LENGTH, SCRYPT_PARAMS);
  return `scrypt$${N}$${r}$${p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

interface Parsed {
  readonly N: number;
  readonly r: number;
  readonly p: number;
  readonly salt: Buffer;
  readonly key: Buffer;
}

/** The parts of a stored hash, or null when it is not one this code wrote (or asks for absurd work). */
function parse(stored: string): Parsed | null {
  const m = /^scrypt\$(\d{1,8})\$(\d{1,3})\$(\d{1,3})\$([A-Za-z0-9+/=]{4,88})\$([A-Za-z0-9+/=]{4,88})$/.exec(stored);
  if (m === null) return null;
  const [N, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (N < 2 || N > 2 ** 20 || (N & (N - 1)) !== 0 || r < 1 || r > 32 || p < 1 || p > 16) return null;
  const key = Buffer.from(m[5]!, 'base64');
  return key.length < 16 ? null : { N, r, p, salt: Buffer.from(m[4]!, 'base64'), key };
}

/** True when `password` matches `stored`; false for a wrong password or a malformed hash (never throws for those). */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const h = parse(stored);
  if (h === null || typeof password !== 'string' || password.length > MAX_PASSWORD_LENGTH) return false;
  const key = await scrypt(password, h.salt, h.key.length, h);
  return timingSafeEqual(key, h.key);
}

/** True when a stored hash uses weaker parameters than SCRYPT_PARAMS (rehash it at the next login). */
export function needsRehash(stored: string): boolean {
  const h = parse(stored);
  return h === null || h.N < SCRYPT_PARAMS.N || h.r < SCRYPT_PARAMS.r || h.p < SCRYPT_PARAMS.p;
}

/** A random password of `length` characters from an unambiguous alphabet (~5.9 bits each: 20 chars ≈ 118 bits). */
export function generatePassword(length = 24): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
  let out = '';
  while (out.length < length) {
    for (const b of randomBytes(length * 2)) {
      // Rejection sampling: no bias towards the first characters of the alphabet.
      if (b < 256 - (256 % alphabet.length) && out.length < length) out += alphabet[b % alphabet.length];
    }
  }
  return out;
}
