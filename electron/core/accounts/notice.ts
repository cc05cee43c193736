import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The acceptable-use and confidentiality notice. Its version lives in the file's first line
 * (`<!-- notice-version: X -->`) so whoever edits the text bumps the version in the same place,
 * and every user must accept again whenever it changes.
 */
export interface Notice {
  version: string;
  text: string;
}

export const DEFAULT_NOTICE_PATH = fileURLToPath(new URL('../../../resources/notice.md', import.meta.url));

const VERSION_LINE = /^<!--\s*notice-version:\s*([A-Za-z0-9._-]{1,40})\s*-->\r?\n/;

export function parseNotice(source: string): Notice {
  const m = VERSION_LINE.exec(source);
  if (!m?.[1]) throw new Error('notice file must start with <!-- notice-version: X -->');
  return { version: m[1], text: source.slice(m[0].length).trim() };
}

export function loadNotice(path: string = DEFAULT_NOTICE_PATH): Notice {
  return parseNotice(readFileSync(path, 'utf8'));
}
