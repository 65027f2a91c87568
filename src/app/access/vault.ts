// Broker credentials encrypted at rest: AES-256-GCM under a master key, a random 12-byte iv per credential,
// and the credential's id and venue as additional authenticated data (a ciphertext moved to another row does
// not decrypt). The master key comes from SEXTANT_MASTER_KEY (32 bytes: 64 hex characters or base64), else
// from `<dataDir>/master.key`, created with mode 0600 on first use; a key file others can read is refused.
// Listing shows masks only; reveal() is for the node that connects to the venue, never for the API.
import { createCipheriv, createDecipheriv, randomBytes, randomUUID } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, InputError } from '../../core/errors.ts';
import type { AccessStore, CredentialInfo } from '../../store/access-store.ts';
import type { ServiceClock } from './users.ts';

export const MASTER_KEY_ENV = 'SEXTANT_MASTER_KEY';
export const KEY_FILE_NAME = 'master.key';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const SECRET_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
const VENUE = /^[a-z0-9][a-z0-9:._-]{0,63}$/;

export interface MasterKeySource {
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** The state folder that holds (or will hold) master.key. */
  readonly dataDir: string;
}

export interface LoadedKey {
  readonly key: Buffer;
  /** 'env' or the key file's path. */
  readonly from: string;
}

/** 32 bytes from 64 hex characters or base64 (standard or url-safe); null for anything else. */
export function parseKey(text: string): Buffer | null {
  const t = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(t)) return Buffer.from(t, 'hex');
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(t)) {
    const b = Buffer.from(t.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (b.length === KEY_BYTES) return b;
  }
  return null;
}

/** The master key: SEXTANT_MASTER_KEY, else the key file (created when absent). */
export function loadMasterKey(src: MasterKeySource): LoadedKey {
  const fromEnv = (src.env ?? process.env)[MASTER_KEY_ENV];
  if (fromEnv !== undefined && fromEnv !== '') {
    const key = parseKey(fromEnv);
    // The value is never echoed: it may be a real key with a typo.
    if (key === null) throw new ConfigError(`${MASTER_KEY_ENV} must be 32 bytes as 64 hex characters or base64 (e.g. the output of \`openssl rand -hex 32\`)`, { field: MASTER_KEY_ENV });
    return { key, from: 'env' };
  }
  const file = join(src.dataDir, KEY_FILE_NAME);
  if (!existsSync(file)) {
    mkdirSync(src.dataDir, { recursive: true });
    try {
      // 'wx': never overwrite a key another process has just written.
      writeFileSync(file, `${randomBytes(KEY_BYTES).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
      chmodSync(file, 0o600);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new ConfigError(`cannot create the key file ${file}: ${(e as Error).message}`, { field: MASTER_KEY_ENV });
    }
  }
  if (process.platform !== 'win32') {
    const mode = statSync(file).mode & 0o777;
    if ((mode & 0o077) !== 0) {
      throw new ConfigError(
        `the key file ${file} has mode ${mode.toString(8).padStart(4, '0')}: other users could read the master key; run \`chmod 600 ${file}\` (and rotate the key if others had access)`,
        { file, field: KEY_FILE_NAME },
      );
    }
  }
  const key = parseKey(readFileSync(file, 'utf8'));
  if (key === null) throw new ConfigError('must hold 32 bytes as 64 hex characters or base64', { file, field: KEY_FILE_NAME });
  return { key, from: file };
}

/** The display form of a secret: at most its last 4 characters (fewer for short secrets), e.g. "…1234". */
export function maskSecret(value: string): string {
  const shown = value.length >= 16 ? 4 : value.length >= 8 ? 2 : 0;
  return `…${shown === 0 ? '' : value.slice(-shown)}`;
}

export interface RevealedCredential extends CredentialInfo {
  readonly secrets: Readonly<Record<string, string>>;
}

const aad = (id: string, venue: string): Buffer => Buffer.from(`sextant-credential:v1:${id}:${venue}`, 'utf8');

function checkSecrets(secrets: unknown): Record<string, string> {
  if (typeof secrets !== 'object' || secrets === null || Array.isArray(secrets)) throw new InputError('must be an object of name: value', { field: 'secrets' });
  const entries = Object.entries(secrets);
  if (entries.length === 0 || entries.length > 16) throw new InputError('must hold 1 to 16 secrets', { field: 'secrets' });
  for (const [k, v] of entries) {
    if (!SECRET_NAME.test(k)) throw new InputError('a secret name is letters, digits and _ (starting with a letter)', { field: `secrets.${k}` });
    if (typeof v !== 'string' || v === '' || v.length > 8192) throw new InputError('must be a non-empty string (at most 8192 characters)', { field: `secrets.${k}` });
  }
  return Object.fromEntries(entries) as Record<string, string>;
}

export class CredentialVault {
  readonly #store: AccessStore;
  readonly #key: Buffer;
  readonly #now: () => number;

  constructor(store: AccessStore, key: Buffer, opts: ServiceClock = {}) {
    if (key.length !== KEY_BYTES) throw new ConfigError(`the master key must be ${KEY_BYTES} bytes, got ${key.length}`, { field: MASTER_KEY_ENV });
    this.#store = store;
    this.#key = Buffer.from(key);
    this.#now = opts.now ?? Date.now;
  }

  /** A vault with the key from SEXTANT_MASTER_KEY or `<dataDir>/master.key`. */
  static open(store: AccessStore, src: MasterKeySource, opts: ServiceClock = {}): CredentialVault {
    return new CredentialVault(store, loadMasterKey(src).key, opts);
  }

  async add(venue: string, label: string, secrets: Record<string, string>): Promise<CredentialInfo> {
    if (typeof venue !== 'string' || !VENUE.test(venue)) throw new InputError('must be a venue name: lower-case letters, digits, ":", ".", "_" or "-"', { field: 'venue' });
    if (typeof label !== 'string' || label.trim() === '' || label.length > 200) throw new InputError('must be 1 to 200 characters', { field: 'label' });
    const s = checkSecrets(secrets);
    const id = randomUUID();
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    cipher.setAAD(aad(id, venue));
    const ciphertext = Buffer.concat([cipher.update(JSON.stringify(s), 'utf8'), cipher.final()]);
    const mask = Object.fromEntries(Object.entries(s).map(([k, v]) => [k, maskSecret(v)]));
    const info: CredentialInfo = { id, venue, label, mask, createdMs: this.#now() };
    await this.#store.putCredential({ ...info, ciphertext: ciphertext.toString('base64'), iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64') });
    return info;
  }

  /** Masked records only. */
  list(): Promise<CredentialInfo[]> {
    return this.#store.listCredentials();
  }

  /**
   * The decrypted secrets, for the process that connects to the venue (never for the API). Unknown id: InputError
   * field 'id'; a wrong master key or altered data: ConfigError naming SEXTANT_MASTER_KEY.
   */
  async reveal(id: string): Promise<RevealedCredential> {
    const c = await this.#store.getCredential(id);
    if (c === null) throw new InputError(`no credential "${id}"`, { field: 'id' });
    let plain: string;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.#key, Buffer.from(c.iv, 'base64'), { authTagLength: 16 });
      decipher.setAAD(aad(c.id, c.venue));
      decipher.setAuthTag(Buffer.from(c.tag, 'base64'));
      plain = Buffer.concat([decipher.update(Buffer.from(c.ciphertext, 'base64')), decipher.final()]).toString('utf8');
    } catch {
      throw new ConfigError(
        `cannot decrypt credential ${c.id} (${c.venue}): the master key is not the one it was stored with, or the stored data was altered`,
        { field: MASTER_KEY_ENV },
      );
    }
    return { id: c.id, venue: c.venue, label: c.label, mask: c.mask, createdMs: c.createdMs, secrets: JSON.parse(plain) as Record<string, string> };
  }

  /** True when it existed. */
  remove(id: string): Promise<boolean> {
    return this.#store.deleteCredential(id);
  }
}
