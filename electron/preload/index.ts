import { contextBridge, ipcRenderer } from 'electron';
import { buildApi } from '../../shared/contract/api';
import { channelFor } from '../../shared/contract/channels';
import { CALL_NAMES } from '../../shared/contract/index';

// The page gets `window.api`: one function per contract call, each bound to its own channel.
// No ipcRenderer, no generic invoke, no Node.
contextBridge.exposeInMainWorld(
  'api',
  buildApi(CALL_NAMES, (name) => {
    const channel = channelFor(name);
    return (input: unknown) => ipcRenderer.invoke(channel, input);
  }),
);
