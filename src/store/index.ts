// Persistence: the Store port and its PGlite / Postgres implementations (docs/store.md).
export * from './store.ts';
export { openStore, resolveStoreTarget, DEFAULT_STORE_DIR, type OpenStoreOptions, type StoreTarget } from './open.ts';
export { foldFills } from './positions.ts';
export { MIGRATIONS, type Migration } from './migrations/index.ts';
