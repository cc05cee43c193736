import { closeSync, copyFileSync, existsSync, fstatSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Durable file replacement. A rename is atomic on POSIX and NTFS, but only durable once the data
 * and then the directory entry are flushed: write temp -> fsync temp -> rename -> fsync dir.
 */
export function fsyncDir(dir: string): void {
  // Windows cannot open a directory for fsync; NTFS journals the rename itself.
  if (process.platform === 'win32') return;
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export function fsyncFile(path: string): void {
  const fd = openSync(path, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Writes `data` to `path` atomically. With `prevPath`, the current file is first kept as a copy there. */
export function writeFileAtomic(path: string, data: Uint8Array, opts: { prevPath?: string } = {}): void {
  const dir = dirname(path);
  const tmp = `${path}.tmp-${process.pid}`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    let off = 0;
    while (off < data.byteLength) off += writeSync(fd, data, off, data.byteLength - off);
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw err;
  }
  closeSync(fd);
  if (opts.prevPath && existsSync(path)) {
    // The previous version is itself replaced atomically, so a crash leaves either old or new prev.
    const prevTmp = `${opts.prevPath}.tmp-${process.pid}`;
    copyFileSync(path, prevTmp);
    fsyncFile(prevTmp);
    renameSync(prevTmp, opts.prevPath);
  }
  renameSync(tmp, path);
  fsyncDir(dir);
}

/** Overwrites a file's bytes in place with random data of the same length and flushes it. */
export function overwriteWithRandom(path: string, random: (n: number) => Buffer): number {
  const fd = openSync(path, 'r+');
  try {
    const size = fstatSync(fd).size;
    const chunk = 1 << 20;
    for (let off = 0; off < size; ) {
      const n = Math.min(chunk, size - off);
      const buf = random(n);
      let w = 0;
      while (w < n) w += writeSync(fd, buf, w, n - w, off + w);
      off += n;
    }
    fsyncSync(fd);
    return size;
  } finally {
    closeSync(fd);
  }
}
