// Persistence: the Store port and its PGlite / Postgres implementations (docs/store.md).
export * from './store.ts';
export { openStore, resolveStoreTarget, DEFAULT_STORE_DIR, type OpenStoreOptions, type StoreTarget } from './open.ts';
export { foldFills } from './positions.ts';
export { MIGRATIONS, type Migration } from './migrations/index.ts';
export {
  BOT_DESIRED, ROLES,
  type AccessStore, type BotDesired, type BotRecord, type CredentialInfo, type CredentialRecord,
  type NewBot, type NewToken, type NewUser, type Role, type SessionRecord, type TokenRecord, type UserRecord,
} from './access-store.ts';
export * from './audit/index.ts';
