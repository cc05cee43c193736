export { syncHandlers, type SyncCallDeps } from './handlers';
export { createSyncLifecycle, type SyncLifecycle, type SyncLifecycleDeps } from './lifecycle';
export { SYNC_ACTOR } from './app-device';
