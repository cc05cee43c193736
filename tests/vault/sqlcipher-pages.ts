import { createDecipheriv } from 'node:crypto';

/**
 * An independent reader for SQLCipher 4 pages (default settings, raw key), used to look INSIDE the
 * encrypted file, including free pages and WAL frames that SQL can no longer reach.
 *
 * Layout (SQLCipher 4 defaults: 4096-byte pages, reserve = 16-byte IV + 64-byte HMAC-SHA512):
 *   page = ciphertext [0, 4096-80) | IV (16) | HMAC (64); page 1 starts with the 16-byte salt and
 *   its ciphertext covers [16, 4096-80). AES-256-CBC, no padding, key = the raw key itself.
 * WAL: 32-byte header, then frames of 24-byte header + one page.
 */
const PAGE = 4096;
const RESERVE = 80;

export function decryptPage(page: Buffer, pageNo: number, key: Buffer): Buffer {
  const start = pageNo === 1 ? 16 : 0;
  const iv = page.subarray(PAGE - RESERVE, PAGE - RESERVE + 16);
  const d = createDecipheriv('aes-256-cbc', key, iv);
  d.setAutoPadding(false);
  return Buffer.concat([d.update(page.subarray(start, PAGE - RESERVE)), d.final()]);
}

/** Decrypts every page of a database file image. */
export function decryptDbFile(bytes: Buffer, key: Buffer): Buffer[] {
  const pages: Buffer[] = [];
  for (let i = 0; i + PAGE <= bytes.length; i += PAGE) pages.push(decryptPage(bytes.subarray(i, i + PAGE), i / PAGE + 1, key));
  return pages;
}

/** Decrypts every frame of a WAL file image. */
export function decryptWalFile(bytes: Buffer, key: Buffer): Buffer[] {
  const pages: Buffer[] = [];
  for (let off = 32; off + 24 + PAGE <= bytes.length; off += 24 + PAGE) {
    const pageNo = bytes.readUInt32BE(off);
    pages.push(decryptPage(bytes.subarray(off + 24, off + 24 + PAGE), pageNo, key));
  }
  return pages;
}
