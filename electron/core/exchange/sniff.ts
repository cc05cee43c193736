import { AppError } from '../../../shared/errors';
import { IMPORT_LIMITS } from './limits';

/**
 * What an import file is, decided from its bytes and never from its name (a renamed file is still
 * what it is). Anything else is refused with a message saying what the file looks like instead.
 */
export type SniffedFormat = 'xlsx' | 'json' | 'csv';

export function refuseFile(message: string): AppError {
  return new AppError('BAD_INPUT', message, { issues: [{ path: 'dataBase64', message }] });
}

/** Strict base64: Buffer.from would silently skip invalid characters. */
export function decodeBase64(text: string): Buffer {
  if (text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) throw refuseFile('The file data is not valid base64.');
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length === 0) throw refuseFile('The file is empty.');
  if (bytes.length > IMPORT_LIMITS.maxFileBytes) throw refuseFile(`The file is larger than ${IMPORT_LIMITS.maxFileBytes / 1024 / 1024} MiB.`);
  return bytes;
}

const startsWith = (b: Buffer, sig: readonly number[]): boolean => sig.every((x, i) => b[i] === x);

export function sniffFormat(bytes: Buffer): SniffedFormat {
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04])) return 'xlsx';
  if (startsWith(bytes, [0x50, 0x4b, 0x05, 0x06])) throw refuseFile('The file is an empty ZIP archive, not an Excel workbook.');
  if (startsWith(bytes, [0xd0, 0xcf, 0x11, 0xe0])) throw refuseFile('The file is an old Excel 97-2003 (.xls) or other Office binary file; save it as .xlsx or CSV UTF-8.');
  if (startsWith(bytes, [0x25, 0x50, 0x44, 0x46])) throw refuseFile('The file is a PDF; import reads CSV, XLSX or JSON.');
  if (startsWith(bytes, [0xff, 0xfe]) || startsWith(bytes, [0xfe, 0xff])) throw refuseFile('The file is UTF-16 text; save it as CSV UTF-8.');
  if (bytes.includes(0)) throw refuseFile('The file is binary data, not CSV, XLSX or JSON.');
  // Valid UTF-8 or nothing: Windows-1252 accents decoded as UTF-8 would corrupt names silently.
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw refuseFile('The file is not UTF-8 text (perhaps Windows-1252 or Latin-1); save it as CSV UTF-8.');
  }
  let i = startsWith(bytes, [0xef, 0xbb, 0xbf]) ? 3 : 0;
  while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x09 || bytes[i] === 0x0a || bytes[i] === 0x0d)) i++;
  if (i === bytes.length) throw refuseFile('The file holds only blank space.');
  if (bytes[i] === 0x7b || bytes[i] === 0x5b) return 'json';
  return 'csv';
}

/** The text of a UTF-8 file without its byte order mark. */
export function utf8Text(bytes: Buffer): string {
  const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
