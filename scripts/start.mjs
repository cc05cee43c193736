// `npm start`: the desktop app where the Electron binary is installed, otherwise the browser preview.
// `npm start -- --browser` (or `npm run start:browser`) always starts the preview.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);
const args = process.argv.slice(2);
const wantBrowser = args.includes('--browser');
const passThrough = args.filter((a) => a !== '--browser');

function electronBinary() {
  try {
    const path = require('electron'); // the electron package exports the binary's path
    return typeof path === 'string' && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

function run(cmd, cmdArgs) {
  const r = spawnSync(cmd, cmdArgs, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
const binary = wantBrowser ? null : electronBinary();
if (binary) {
  run(npx, ['electron-vite', 'build']);
  const child = spawn(binary, ['.', ...passThrough], { cwd: root, stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  if (!wantBrowser) {
    console.log('Electron binary not installed here (run "npm run electron:install" where downloads are allowed); starting the browser preview instead.');
  }
  run(npx, ['vite', 'build', '--config', 'renderer/vite.config.ts', '--logLevel', 'warn']);
  const child = spawn(process.execPath, ['--import', 'tsx', 'electron/preview/main.ts', ...passThrough], { cwd: root, stdio: 'inherit' });
  const forward = (sig) => child.kill(sig);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  child.on('exit', (code) => process.exit(code ?? 0));
}
