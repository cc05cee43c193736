// postinstall: make sure the vault's SQLite driver wipes freed memory.
//
// better-sqlite3-multiple-ciphers only supports `PRAGMA memory_security` (SQLite3MultipleCiphers'
// counterpart of SQLCipher's cipher_memory_security) when compiled with SQLITE3MC_SECURE_MEMORY,
// which neither its prebuilt binaries nor its default source build define. When the installed
// binary lacks it, rebuild it from source with the define (about 90 s). .ci/run exports the flags
// before `npm ci`, so the first build already has it and this is a quick check.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const DEFINE = 'SQLITE3MC_SECURE_MEMORY=1';

function supported() {
  try {
    const Database = require('better-sqlite3-multiple-ciphers');
    const db = new Database(':memory:');
    const rows = db.pragma('memory_security');
    db.close();
    return Array.isArray(rows) && rows.length > 0;
  } catch {
    return false;
  }
}

if (process.env.RSCHED_SKIP_SECURE_SQLITE === '1') process.exit(0);
if (supported()) {
  console.log('secure-sqlite: the vault driver wipes freed memory (memory_security available).');
  process.exit(0);
}
console.log('secure-sqlite: rebuilding better-sqlite3-multiple-ciphers with SQLITE3MC_SECURE_MEMORY (about 90 s)...');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const env = {
  ...process.env,
  CFLAGS: `${process.env.CFLAGS ?? ''} -D${DEFINE}`.trim(),
  CXXFLAGS: `${process.env.CXXFLAGS ?? ''} -D${DEFINE}`.trim(),
  // MSVC reads extra compiler switches from CL.
  CL: `${process.env.CL ?? ''} /D${DEFINE}`.trim(),
};
const r = spawnSync(npm, ['rebuild', 'better-sqlite3-multiple-ciphers', '--build-from-source'], { stdio: 'inherit', env, shell: process.platform === 'win32' });
if (r.status !== 0 || !supported()) {
  // Not fatal: the vault still encrypts everything; it reports memory security as unsupported
  // (vault info, safeguards report) so an administrator sees the gap.
  console.warn('secure-sqlite: WARNING: could not build the driver with secure memory; the vault will report memory security as unsupported.');
}
