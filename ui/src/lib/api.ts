// The app's commands as the screens call them: the generated typed client (commands.gen.ts, from
// src-tauri/src/command_table.rs) and the sync progress events. A failed call rejects with a
// TaggedError.
import { listen, type UnlistenFn } from '@tauri-apps/api/event';
import type { SyncProgressEvent } from './bindings/SyncProgressEvent';
import { commands } from './commands.gen';

export { asTagged } from './ipc';

export const api = {
  ...commands,
  onSyncProgress: (f: (p: SyncProgressEvent) => void): Promise<UnlistenFn> =>
    listen<SyncProgressEvent>('sync-progress', (e) => f(e.payload)),
};
