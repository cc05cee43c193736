import { readFileSync } from 'node:fs';
import { resourcePath } from '../resources';

/**
 * The acceptable-use and confidentiality notice. Its version lives in the file's first line
 * (`<!-- notice-version: X -->`) so whoever edits the text bumps the version in the same place,
 * and every user must accept again whenever it changes.
 */
export interface Notice {
  version: string;
  text: string;
}

const VERSION_LINE = /^<!--\s*notice-version:\s*([A-Za-z0-9._-]{1,40})\s*-->\r?\n/;

export function parseNotice(source: string): Notice {
  const m = VERSION_LINE.exec(source);
  if (!m?.[1]) throw new Error('notice file must start with <!-- notice-version: X -->');
  return { version: m[1], text: source.slice(m[0].length).trim() };
}

/** The notice the app ships (resources/notice.md) unless `path` names another. */
export function loadNotice(path: string = resourcePath('notice.md')): Notice {
  return parseNotice(readFileSync(path, 'utf8'));
}
