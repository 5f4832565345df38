/** The state store: one port, three implementations, one factory. */
export type { CreateOptions, Entry, LeaseOptions, Leased, ListPage, Scheduled, StateStore } from './store';
export type { StoreOptions, TtlOptions } from './store';
export { DEFAULT_TAKE_LIMIT } from './store';
export type { Commit, CommitResult, Conflict, Requirement, Write } from './commit';
export { RECEIPT_TTL_SECONDS } from './commit';
export { MemoryStore } from './memory-store';
export { FileStore, type FileStoreOptions } from './file-store';
export { RedisStore, type RedisStoreOptions } from './redis-store';
export { openStore, parseStateUrl, type OpenStoreOptions, type StateUrl } from './open';
export * from './errors';
