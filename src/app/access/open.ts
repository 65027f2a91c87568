// The access services over the store of a state folder (or DATABASE_URL), for the CLI: `sextant user` and
// `sextant token` open the store the way `status` and `backup` do, act, and close it.
import { join } from 'node:path';
import { openStore } from '../../store/open.ts';
import type { Store } from '../../store/store.ts';
import { DEFAULT_STATE_DIR } from '../state-dir.ts';
import { AuditLog } from './audit-log.ts';
import { SessionService } from './sessions.ts';
import { TokenService } from './tokens.ts';
import { UserService } from './users.ts';

export interface AccessServices {
  readonly users: UserService;
  readonly tokens: TokenService;
  readonly audit: AuditLog;
  readonly sessions: SessionService;
}

export interface AccessStoreRequest {
  readonly stateDir?: string;
  /** Only open a store that exists (readers and changes to existing rows); else one is created. */
  readonly mustExist?: boolean;
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** The services over one store (the credential vault also needs the master key: CredentialVault.open). */
export function accessServices(store: Store, opts: { readonly now?: () => number } = {}): AccessServices {
  const a = store.access;
  return {
    users: new UserService(a, opts), tokens: new TokenService(a, opts), audit: new AuditLog(store.audit, { ...opts, location: store.location }),
    sessions: new SessionService(a, opts),
  };
}

/** Opens the store of `stateDir` (or DATABASE_URL), runs `fn` with the services, closes the store. */
export function withAccess<T>(r: AccessStoreRequest, fn: (s: AccessServices) => Promise<T>): Promise<T> {
  return withStateStore(r, (store) => fn(accessServices(store)));
}

/** Opens the store of `stateDir` (or DATABASE_URL), runs `fn` on it, closes it. */
export async function withStateStore<T>(r: AccessStoreRequest, fn: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore({
    dir: join(r.stateDir ?? DEFAULT_STATE_DIR, 'db'),
    existingField: '--state-dir',
    ...(r.mustExist === true ? { mustExist: true } : {}),
    ...(r.env ? { env: r.env } : {}),
  });
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}
