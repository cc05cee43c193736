import type { Api } from '../../shared/contract/api';

declare global {
  interface Window {
    /** Set by the Electron preload; absent in the browser preview, where the HTTP bridge stands in. */
    api?: Api;
  }
}
export {};
