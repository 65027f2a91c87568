// Users of the API server and dashboard: a username, a role (read < trade < admin) and a scrypt password hash.
// The hash never leaves this module; authenticate() costs one scrypt whether or not the user exists, so the
// response time does not tell which usernames exist.
import { InputError } from '../../core/errors.ts';
import { ROLES, type AccessStore, type Role, type UserRecord } from '../../store/access-store.ts';
import { checkPassword, generatePassword, hashPassword, needsRehash, verifyPassword } from './passwords.ts';

export const USERNAME_RULE = /^[a-z][a-z0-9_.-]{2,31}$/;
export const GENERATED_PASSWORD_LENGTH = 24;

export interface UserInfo {
  readonly username: string;
  readonly role: Role;
  readonly createdMs: number;
  readonly updatedMs: number;
}

export interface AddedUser {
  readonly username: string;
  readonly role: Role;
  /** The password given, or the one generated: shown once, never stored. */
  readonly password: string;
  readonly generated: boolean;
}

export interface ServiceClock {
  readonly now?: () => number;
}

export function checkUsername(v: unknown): string {
  if (typeof v !== 'string' || !USERNAME_RULE.test(v)) {
    throw new InputError('must be 3 to 32 characters: a lower-case letter, then lower-case letters, digits, "_", "." or "-"', { field: 'username' });
  }
  return v;
}

export function checkRole(v: unknown, field = 'role'): Role {
  if (typeof v !== 'string' || !(ROLES as readonly string[]).includes(v)) throw new InputError(`must be one of ${ROLES.join(', ')}`, { field });
  return v as Role;
}

const info = (u: UserRecord): UserInfo => ({ username: u.username, role: u.role, createdMs: u.createdMs, updatedMs: u.updatedMs });

/** A hash of a random password, for the unknown-user path of authenticate(). */
let decoy: Promise<string> | null = null;

export class UserService {
  readonly #store: AccessStore;
  readonly #now: () => number;

  constructor(store: AccessStore, opts: ServiceClock = {}) {
    this.#store = store;
    this.#now = opts.now ?? Date.now;
  }

  async add(username: string, role: Role, password?: string): Promise<AddedUser> {
    checkUsername(username);
    checkRole(role);
    const pw = password === undefined ? generatePassword(GENERATED_PASSWORD_LENGTH) : checkPassword(password);
    await this.#store.createUser({ username, role, passwordHash: await hashPassword(pw), nowMs: this.#now() });
    return { username, role, password: pw, generated: password === undefined };
  }

  /** Sets a new password (generated when none is given); returns it. Unknown user: InputError field 'username'. */
  async passwd(username: string, password?: string): Promise<{ readonly username: string; readonly password: string; readonly generated: boolean }> {
    checkUsername(username);
    const pw = password === undefined ? generatePassword(GENERATED_PASSWORD_LENGTH) : checkPassword(password);
    if (!(await this.#store.setUserPassword(username, await hashPassword(pw), this.#now()))) throw new InputError(`no user "${username}"`, { field: 'username' });
    return { username, password: pw, generated: password === undefined };
  }

  async setRole(username: string, role: Role): Promise<UserInfo> {
    checkUsername(username);
    checkRole(role);
    if (!(await this.#store.setUserRole(username, role, this.#now()))) throw new InputError(`no user "${username}"`, { field: 'username' });
    return info((await this.#store.getUser(username))!);
  }

  async get(username: string): Promise<UserInfo | null> {
    const u = await this.#store.getUser(username);
    return u === null ? null : info(u);
  }

  async list(): Promise<UserInfo[]> {
    return (await this.#store.listUsers()).map(info);
  }

  /** Removes the user and their sessions. Unknown user: InputError field 'username'. */
  async remove(username: string): Promise<void> {
    checkUsername(username);
    if (!(await this.#store.deleteUser(username))) throw new InputError(`no user "${username}"`, { field: 'username' });
  }

  /** The user when the password is right, else null (unknown user, wrong password, malformed input). */
  async authenticate(username: string, password: string): Promise<UserInfo | null> {
    const u = typeof username === 'string' && USERNAME_RULE.test(username) ? await this.#store.getUser(username) : null;
    if (u === null) {
      // Same work as a real check, so timing does not reveal whether the user exists.
      decoy ??= hashPassword(generatePassword(GENERATED_PASSWORD_LENGTH));
      await verifyPassword(typeof password === 'string' ? password : '', await decoy);
      return null;
    }
    if (!(await verifyPassword(password, u.passwordHash))) return null;
    // Parameters raised since this hash was written: upgrade it while the password is at hand.
    if (needsRehash(u.passwordHash) && password.length >= 12) await this.#store.setUserPassword(u.username, await hashPassword(password), this.#now());
    return info(u);
  }

  /** On an empty users table: creates `admin` (role admin) with a random password and returns it, once. Else null. */
  async ensureAdmin(): Promise<AddedUser | null> {
    if ((await this.#store.listUsers()).length > 0) return null;
    try {
      return await this.add('admin', 'admin');
    } catch (e) {
      // Another process created it meanwhile.
      if (e instanceof InputError && e.where.field === 'username') return null;
      throw e;
    }
  }
}
