// The credential vault with real AES-256-GCM: secrets come back from reveal() only with the same master key;
// a wrong key, a changed byte, or a ciphertext moved to another row or venue fails; listing shows masks only.
// The master key: SEXTANT_MASTER_KEY (hex or base64; anything else refused without echoing it) or a key file
// created with mode 0600, refused when group or others can read it.
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, InputError } from '../../core/errors.ts';
import { openStore } from '../../store/open.ts';
import type { Store } from '../../store/store.ts';
import { CredentialSchema } from '../dto/access.ts';
import { CredentialVault, loadMasterKey, maskSecret, parseKey } from './vault.ts';

let store: Store;
const root = mkdtempSync(join(tmpdir(), 'sextant-vault-'));
const KEY = randomBytes(32);
const SECRETS = { apiKey: 'AKIA7Q2WEXAMPLE91234', apiSecret: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYzyxwvu' };
beforeAll(async () => {
  store = await openStore({ url: 'memory://' });
});
afterAll(async () => {
  await store.close();
  rmSync(root, { recursive: true, force: true });
});

const posix = process.platform !== 'win32';

describe('CredentialVault', () => {
  it('encrypts, lists masks only, reveals with the same key', async () => {
    const vault = new CredentialVault(store.access, KEY);
    const c = await vault.add('alpaca', 'paper account', SECRETS);
    expect(CredentialSchema.strict().parse(c)).toEqual(c);
    expect(c.mask).toEqual({ apiKey: '…1234', apiSecret: '…xwvu' });
    const listed = await vault.list();
    expect(listed).toEqual([c]);
    const raw = JSON.stringify(await store.access.getCredential(c.id));
    for (const s of Object.values(SECRETS)) {
      expect(JSON.stringify(listed)).not.toContain(s);
      expect(raw).not.toContain(s);
    }
    expect((await vault.reveal(c.id)).secrets).toEqual(SECRETS);
    // A second vault (another process) with the same key reads it.
    expect((await new CredentialVault(store.access, Buffer.from(KEY)).reveal(c.id)).secrets).toEqual(SECRETS);
    // Same secrets again: a fresh iv, a different ciphertext.
    const d = await vault.add('alpaca', 'again', SECRETS);
    expect((await store.access.getCredential(d.id))?.ciphertext).not.toBe((await store.access.getCredential(c.id))?.ciphertext);
    expect(await vault.remove(d.id)).toBe(true);
    expect(await vault.remove(d.id)).toBe(false);
    const e = await vault.reveal(d.id).catch((x: unknown) => x);
    expect((e as InputError).where.field).toBe('id');
  });

  it('a wrong master key fails with a ConfigError naming SEXTANT_MASTER_KEY', async () => {
    const c = await new CredentialVault(store.access, KEY).add('binance', 'main', { apiKey: 'k'.repeat(20), apiSecret: 's'.repeat(40) });
    const e = await new CredentialVault(store.access, randomBytes(32)).reveal(c.id).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ConfigError);
    expect((e as ConfigError).where.field).toBe('SEXTANT_MASTER_KEY');
    expect((e as Error).message).not.toContain('s'.repeat(8));
  });

  it('tampered ciphertext, tag or iv, or a row moved to another id or venue, fails to decrypt', async () => {
    const vault = new CredentialVault(store.access, KEY);
    const c = await vault.add('ib', 'tws', { password: 'ib-password-123456' });
    const rec = (await store.access.getCredential(c.id))!;
    const flip = (b64: string): string => {
      const b = Buffer.from(b64, 'base64');
      b[0] = b[0]! ^ 0x01;
      return b.toString('base64');
    };
    const variants = [
      { ...rec, ciphertext: flip(rec.ciphertext) },
      { ...rec, tag: flip(rec.tag) },
      { ...rec, tag: Buffer.from(rec.tag, 'base64').subarray(0, 12).toString('base64') },
      { ...rec, iv: flip(rec.iv) },
      { ...rec, venue: 'alpaca' },
    ];
    for (const v of variants) {
      await store.access.putCredential(v);
      await expect(vault.reveal(c.id)).rejects.toThrow(/cannot decrypt credential/);
    }
    await store.access.putCredential({ ...rec, id: 'moved' });
    await expect(vault.reveal('moved')).rejects.toThrow(/cannot decrypt credential/);
    await store.access.putCredential(rec);
    expect((await vault.reveal(c.id)).secrets).toEqual({ password: 'ib-password-123456' });
  });

  it('refuses bad input by field', async () => {
    const vault = new CredentialVault(store.access, KEY);
    const field = async (p: Promise<unknown>): Promise<string | undefined> => ((await p.catch((x: unknown) => x)) as InputError).where.field;
    expect(await field(vault.add('Bad Venue', 'l', { a: 'b' }))).toBe('venue');
    expect(await field(vault.add('alpaca', '', { a: 'b' }))).toBe('label');
    expect(await field(vault.add('alpaca', 'l', {}))).toBe('secrets');
    expect(await field(vault.add('alpaca', 'l', { apiKey: '' }))).toBe('secrets.apiKey');
    expect(await field(vault.add('alpaca', 'l', { 'api key': 'x' }))).toBe('secrets.api key');
    expect(() => new CredentialVault(store.access, randomBytes(16))).toThrow(ConfigError);
  });

  it('masks show at most the last 4 characters, fewer for short secrets', () => {
    expect(maskSecret('AKIA7Q2WEXAMPLE91234')).toBe('…1234');
    expect(maskSecret('12345678')).toBe('…78');
    expect(maskSecret('1234567')).toBe('…');
  });
});

describe('master key', () => {
  it('from SEXTANT_MASTER_KEY as hex or base64; anything else is a ConfigError that does not echo it', () => {
    const dataDir = join(root, 'unused');
    expect(loadMasterKey({ env: { SEXTANT_MASTER_KEY: KEY.toString('hex') }, dataDir }).key.equals(KEY)).toBe(true);
    expect(loadMasterKey({ env: { SEXTANT_MASTER_KEY: KEY.toString('base64') }, dataDir }).key.equals(KEY)).toBe(true);
    expect(loadMasterKey({ env: { SEXTANT_MASTER_KEY: KEY.toString('base64url') }, dataDir }).from).toBe('env');
    for (const bad of ['hunter2-hunter2', KEY.toString('hex').slice(2), randomBytes(24).toString('base64'), `${KEY.toString('hex')}00`]) {
      const e = (() => {
        try {
          loadMasterKey({ env: { SEXTANT_MASTER_KEY: bad }, dataDir });
          return null;
        } catch (x) {
          return x;
        }
      })();
      expect(e).toBeInstanceOf(ConfigError);
      expect((e as ConfigError).where.field).toBe('SEXTANT_MASTER_KEY');
      expect((e as Error).message).not.toContain(bad);
    }
    expect(parseKey(' ' + KEY.toString('hex') + '\n')?.equals(KEY)).toBe(true);
  });

  it.skipIf(!posix)('creates <dataDir>/master.key with mode 0600 once, and reuses it', async () => {
    const dataDir = join(root, 'state');
    const a = loadMasterKey({ env: {}, dataDir });
    const file = join(dataDir, 'master.key');
    expect(a.from).toBe(file);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).toMatch(/^[0-9a-f]{64}\n$/);
    expect(loadMasterKey({ env: {}, dataDir }).key.equals(a.key)).toBe(true);
    // A vault from the file reads what a vault from the same file wrote.
    const c = await CredentialVault.open(store.access, { env: {}, dataDir }).add('alpaca', 'k', { apiKey: 'from-the-key-file' });
    expect((await CredentialVault.open(store.access, { env: {}, dataDir }).reveal(c.id)).secrets.apiKey).toBe('from-the-key-file');
    // The environment wins over the file.
    expect(loadMasterKey({ env: { SEXTANT_MASTER_KEY: KEY.toString('hex') }, dataDir }).key.equals(KEY)).toBe(true);
  });

  it.skipIf(!posix)('refuses a key file that group or others can read, and one that holds no key', () => {
    const dataDir = join(root, 'loose');
    loadMasterKey({ env: {}, dataDir });
    const file = join(dataDir, 'master.key');
    for (const mode of [0o640, 0o604, 0o644]) {
      chmodSync(file, mode);
      expect(() => loadMasterKey({ env: {}, dataDir })).toThrow(/other users could read the master key; run `chmod 600/);
    }
    chmodSync(file, 0o600);
    expect(() => loadMasterKey({ env: {}, dataDir })).not.toThrow();
    writeFileSync(file, 'not a key\n', { mode: 0o600 });
    expect(() => loadMasterKey({ env: {}, dataDir })).toThrow(/master.key.*32 bytes/);
  });
});
