// What the API server is a transport over: the app's services on one store the server process owns (its
// bots, users, sessions, tokens, encrypted broker keys, the audit of mutations, research jobs and settings).
// Built here so that the server never names a store (dependency rule: server → app only).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { openStore } from '../store/open.ts';
import type { Store, StoreWriteStats } from '../store/store.ts';
import { AuditLog } from './access/audit-log.ts';
import { SessionService } from './access/sessions.ts';
import { TokenService } from './access/tokens.ts';
import { UserService } from './access/users.ts';
import { CredentialVault } from './access/vault.ts';
import { BotService } from './bots/bot-service.ts';
import { envForVenue } from './bots/venue-credentials.ts';
import { BotQueries } from './bots/bot-queries.ts';
import { JobService } from './jobs/job-service.ts';
import { SettingsService } from './settings-service.ts';
import { BotHistory } from './notify/bot-history.ts';
import { TelegramSettingsService } from './notify/telegram-settings.ts';

export interface ServerServices {
  readonly bots: BotService;
  readonly queries: BotQueries;
  readonly users: UserService;
  readonly sessions: SessionService;
  readonly tokens: TokenService;
  readonly vault: CredentialVault;
  readonly audit: AuditLog;
  readonly settings: SettingsService;
  /** A bot's results over a window of time (daily summaries, PnL per day). */
  readonly history: BotHistory;
  /** The Telegram bot's token (encrypted), chat allow-list and summary time. */
  readonly telegram: TelegramSettingsService;
  /** Research jobs (backtest, optimize, walk-forward), past runs in the warehouse, stored symbols. */
  readonly jobs: JobService;
  /** Where the store is (a folder or a redacted URL): for server info. */
  readonly storeLocation: string;
  readonly storeKind: 'pglite' | 'postgres';
  /** The store's batch writes so far: committed and failed transactions (the server's metrics). */
  storeWrites(): StoreWriteStats;
  /** Stops the bots (their desired state kept) and closes the store. */
  close(): Promise<void>;
}

export interface ServerServicesOptions {
  /** The data folder: the embedded store (`<dir>/db`) and the master key file. */
  readonly stateDir: string;
  /** `postgres://…` or `memory://` instead of the folder's embedded store (default: DATABASE_URL, else the folder). */
  readonly url?: string;
  /** Database schema (tests, tenants). */
  readonly schema?: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
}

export async function openServerServices(opts: ServerServicesOptions): Promise<ServerServices> {
  // The folder holds the store and the master key file: its owner's only (an existing folder keeps its mode).
  mkdirSync(opts.stateDir, { recursive: true, mode: 0o700 });
  const store = await openStore({ url: opts.url, dir: join(opts.stateDir, 'db'), schema: opts.schema, env: opts.env });
  try {
    return await servicesOn(store, opts);
  } catch (e) {
    await store.close();
    throw e;
  }
}

/** The services on an open store (closed by `close()`). Bots last asked to run are started again. */
export async function servicesOn(store: Store, opts: ServerServicesOptions): Promise<ServerServices> {
  const access = store.access;
  const vault = CredentialVault.open(access, { dataDir: opts.stateDir, env: opts.env });
  const bots = new BotService(store, { envFor: (venue) => envForVenue(vault, venue) });
  await bots.init();
  const jobs = new JobService({ store, stateDir: opts.stateDir, env: opts.env });
  await jobs.init();
  const queries = new BotQueries(store, bots);
  const users = new UserService(access);
  return {
    bots, queries, users, sessions: new SessionService(access), tokens: new TokenService(access),
    vault, audit: new AuditLog(store.audit, { location: store.location }), settings: new SettingsService(store), jobs,
    history: new BotHistory(store, bots, queries), telegram: new TelegramSettingsService(store, vault, users), storeLocation: store.location, storeKind: store.location.startsWith('postgres') ? 'postgres' : 'pglite',
    storeWrites: () => store.writeStats,
    close: async () => {
      await jobs.close();
      await bots.close();
      await store.close();
    },
  };
}
