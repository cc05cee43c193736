import { inflateRawSync } from 'node:zlib';
import { IMPORT_LIMITS } from './limits';
import { refuseFile } from './sniff';

/**
 * Checks an XLSX (a ZIP archive) before any spreadsheet parser sees it: the central directory's
 * entry count and declared sizes, the compression ratio of large entries, no encryption, no ZIP64,
 * only stored or deflated entries, and then each entry really inflated with an output cap equal to
 * its declared size, so a header that lies about a bomb's size fails here, bounded, instead of in
 * the parser. Refusals name what is wrong, never the file's content.
 */
export interface ZipEntryInfo {
  name: string;
  method: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
  flags: number;
}

const EOCD = 0x06054b50;
const CDH = 0x02014b50;
const LFH = 0x04034b50;

function findEndOfCentralDirectory(buf: Buffer): number {
  // The record is 22 bytes plus a comment of at most 65535 bytes.
  const stop = Math.max(0, buf.length - 22 - 0xffff);
  for (let i = buf.length - 22; i >= stop; i--) {
    if (buf.readUInt32LE(i) === EOCD) return i;
  }
  return -1;
}

export function readZipDirectory(buf: Buffer): ZipEntryInfo[] {
  if (buf.length < 22) throw refuseFile('The workbook is truncated (no ZIP directory).');
  const eocd = findEndOfCentralDirectory(buf);
  if (eocd < 0) throw refuseFile('The workbook is damaged: its ZIP directory is missing.');
  const count = buf.readUInt16LE(eocd + 10);
  const cdSize = buf.readUInt32LE(eocd + 12);
  const cdOffset = buf.readUInt32LE(eocd + 16);
  if (count === 0xffff || cdOffset === 0xffffffff || cdSize === 0xffffffff) throw refuseFile('The workbook uses ZIP64, which no spreadsheet of this size needs; it is refused.');
  if (count > IMPORT_LIMITS.maxZipEntries) throw refuseFile(`The workbook has ${count} ZIP entries (the limit is ${IMPORT_LIMITS.maxZipEntries}).`);
  if (cdOffset + cdSize > eocd) throw refuseFile('The workbook is damaged: its ZIP directory points outside the file.');
  const entries: ZipEntryInfo[] = [];
  let p = cdOffset;
  let total = 0;
  for (let n = 0; n < count; n++) {
    if (p + 46 > eocd || buf.readUInt32LE(p) !== CDH) throw refuseFile('The workbook is damaged: a ZIP directory entry is malformed.');
    const flags = buf.readUInt16LE(p + 8);
    const method = buf.readUInt16LE(p + 10);
    const compressedSize = buf.readUInt32LE(p + 20);
    const uncompressedSize = buf.readUInt32LE(p + 24);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const localHeaderOffset = buf.readUInt32LE(p + 42);
    const name = buf.toString('utf8', p + 46, p + 46 + nameLen);
    p += 46 + nameLen + extraLen + commentLen;
    if (flags & 0x1) throw refuseFile('The workbook is encrypted or password-protected; remove the password and save it again.');
    if (method !== 0 && method !== 8) throw refuseFile(`The workbook uses an unsupported ZIP compression method (${method}).`);
    if (uncompressedSize > IMPORT_LIMITS.maxEntryBytes) throw refuseFile(`A part of the workbook inflates to ${Math.round(uncompressedSize / 1024 / 1024)} MiB (the limit is ${IMPORT_LIMITS.maxEntryBytes / 1024 / 1024} MiB per part).`);
    if (uncompressedSize >= IMPORT_LIMITS.ratioCheckFromBytes && uncompressedSize / Math.max(1, compressedSize) > IMPORT_LIMITS.maxCompressionRatio) {
      throw refuseFile(`The workbook looks like a zip bomb: a part compresses ${Math.round(uncompressedSize / Math.max(1, compressedSize))} to 1.`);
    }
    total += uncompressedSize;
    if (total > IMPORT_LIMITS.maxTotalUncompressedBytes) throw refuseFile(`The workbook inflates to more than ${IMPORT_LIMITS.maxTotalUncompressedBytes / 1024 / 1024} MiB.`);
    entries.push({ name, method, compressedSize, uncompressedSize, localHeaderOffset, flags });
  }
  return entries;
}

/** Inflates one entry with an output cap, refusing an entry whose real size is not its declared size. */
export function inflateEntry(buf: Buffer, e: ZipEntryInfo): Buffer {
  const h = e.localHeaderOffset;
  if (h + 30 > buf.length || buf.readUInt32LE(h) !== LFH) throw refuseFile('The workbook is damaged: a ZIP entry header is missing.');
  const start = h + 30 + buf.readUInt16LE(h + 26) + buf.readUInt16LE(h + 28);
  const end = start + e.compressedSize;
  if (end > buf.length) throw refuseFile('The workbook is truncated: a ZIP entry runs past the end of the file.');
  const raw = buf.subarray(start, end);
  let out: Buffer;
  if (e.method === 0) {
    out = raw;
  } else {
    try {
      // One byte of slack: output larger than declared fails here instead of filling memory.
      out = inflateRawSync(raw, { maxOutputLength: e.uncompressedSize + 1 });
    } catch {
      throw refuseFile('The workbook is damaged or a ZIP entry is larger than its header says (a possible zip bomb).');
    }
  }
  if (out.length !== e.uncompressedSize) throw refuseFile('A ZIP entry of the workbook is not the size its header says (a possible zip bomb).');
  return out;
}

/** The whole check: directory limits, then every entry inflated under its cap; returns the part names. */
export function checkXlsxArchive(buf: Buffer): string[] {
  const entries = readZipDirectory(buf);
  const names = entries.map((e) => e.name);
  if (!names.includes('[Content_Types].xml') || !names.some((n) => n === 'xl/workbook.xml')) {
    throw refuseFile('The file is a ZIP archive but not an Excel workbook (.xlsx).');
  }
  const sheets = names.filter((n) => /^xl\/worksheets\/[^/]+\.xml$/.test(n)).length;
  if (sheets > IMPORT_LIMITS.maxSheets) throw refuseFile(`The workbook has ${sheets} sheets (the limit is ${IMPORT_LIMITS.maxSheets}).`);
  for (const e of entries) inflateEntry(buf, e);
  return names;
}
