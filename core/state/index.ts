/** The state store: one port, three implementations, one factory. */
export type { Entry, ListPage, Scheduled, StateStore, StoreOptions, TtlOptions } from './store';
export { DEFAULT_TAKE_LIMIT } from './store';
export { MemoryStore } from './memory-store';
export { FileStore, type FileStoreOptions } from './file-store';
export { RedisStore, type RedisStoreOptions } from './redis-store';
export { openStore, parseStateUrl, type OpenStoreOptions, type StateUrl } from './open';
export * from './errors';
