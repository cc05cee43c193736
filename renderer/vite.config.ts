import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// Builds the renderer alone (for the browser preview and end-to-end tests); electron.vite.config.ts
// builds the same renderer together with the main process and preload for the desktop app.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../out/renderer', import.meta.url)),
    emptyOutDir: true,
    sourcemap: false,
    // No inline scripts or modulepreload polyfill: the CSP allows only 'self'.
    modulePreload: { polyfill: false },
  },
});
