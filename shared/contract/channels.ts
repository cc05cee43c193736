/** The Electron IPC channel of a contract call; the preload and the main process both use this. */
export const CHANNEL_PREFIX = 'rsched:';
export function channelFor(callName: string): string {
  return `${CHANNEL_PREFIX}${callName}`;
}
