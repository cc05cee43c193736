import type { PowerMonitor } from 'electron';

/**
 * The operating system's lock screen and suspend lock the vault at once (HIPAA automatic logoff);
 * the core's own idle timer covers the rest.
 */
export function lockOnPowerEvents(powerMonitor: PowerMonitor, lock: (reason: 'os-lock-screen' | 'os-suspend') => void): void {
  powerMonitor.on('lock-screen', () => lock('os-lock-screen'));
  powerMonitor.on('suspend', () => lock('os-suspend'));
}
