import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import type { WireResult } from '../../shared/errors';
import { AppError } from '../../shared/errors';
import type { Dispatcher } from '../core/dispatcher';
import { channelFor } from '../../shared/contract/channels';
import { isAppUrl } from './security';


/**
 * Binds one ipcMain.handle per contract call, no generic channel. A message whose sending frame is
 * not the app's own page (a foreign origin, a subframe, a navigated-away page) is refused before the
 * dispatcher sees it.
 */
export function bindContract(ipcMain: IpcMain, dispatcher: Dispatcher, devServerOrigin: string | null): string[] {
  const channels: string[] = [];
  for (const name of dispatcher.callNames) {
    const channel = channelFor(name);
    ipcMain.handle(channel, async (event: IpcMainInvokeEvent, input: unknown): Promise<WireResult<unknown>> => {
      const frame = event.senderFrame;
      if (!frame || frame.parent !== null || !isAppUrl(frame.url, devServerOrigin)) {
        return { ok: false, error: { code: 'FOREIGN_ORIGIN', message: new AppError('FOREIGN_ORIGIN').message, correlationId: 'transport' } };
      }
      return dispatcher.dispatch(name, input, { clientId: `wc:${event.sender.id}`, transport: 'electron' });
    });
    channels.push(channel);
  }
  return channels;
}
