/**
 * Fuzzy matching for imports: coordinators' spreadsheets spell headers and names their own way
 * ("Résident Name", "  last,first ", "PGY level"). Everything is compared in a normalized form
 * (case folded, diacritics removed, punctuation collapsed to single spaces), then by exact match,
 * then by Jaro-Winkler similarity with a margin over the runner-up so an ambiguous name is never
 * silently matched to the wrong person.
 */

/** Lower case, no diacritics, letters and digits separated by single spaces. */
export function normalize(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/** Normalized with the words sorted: "Vasquez, Ingrid" and "Ingrid Vasquez" compare equal. */
export function normalizeName(text: string): string {
  return normalize(text).split(' ').filter(Boolean).sort().join(' ');
}

/** Edit distance (insertions, deletions, substitutions), two rows of memory. */
export function levenshtein(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  let prev = new Array<number>(b.length + 1);
  let cur = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      cur[j] = Math.min((prev[j] as number) + 1, (cur[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
    }
    [prev, cur] = [cur, prev];
  }
  return prev[b.length] as number;
}

/** Jaro-Winkler similarity in [0, 1] (prefix scale 0.1, up to 4 characters). */
export function jaroWinkler(a: string, b: string): number {
  if (a === b) return 1;
  if (a.length === 0 || b.length === 0) return 0;
  const window = Math.max(0, Math.floor(Math.max(a.length, b.length) / 2) - 1);
  const aMatched = new Array<boolean>(a.length).fill(false);
  const bMatched = new Array<boolean>(b.length).fill(false);
  let matches = 0;
  for (let i = 0; i < a.length; i++) {
    const lo = Math.max(0, i - window);
    const hi = Math.min(b.length - 1, i + window);
    for (let j = lo; j <= hi; j++) {
      if (bMatched[j] || a[i] !== b[j]) continue;
      aMatched[i] = true;
      bMatched[j] = true;
      matches++;
      break;
    }
  }
  if (matches === 0) return 0;
  let transpositions = 0;
  let k = 0;
  for (let i = 0; i < a.length; i++) {
    if (!aMatched[i]) continue;
    while (!bMatched[k]) k++;
    if (a[i] !== b[k]) transpositions++;
    k++;
  }
  const m = matches;
  const jaro = (m / a.length + m / b.length + (m - transpositions / 2) / m) / 3;
  let prefix = 0;
  while (prefix < 4 && prefix < a.length && prefix < b.length && a[prefix] === b[prefix]) prefix++;
  return jaro + prefix * 0.1 * (1 - jaro);
}

/** Similarity of two names: the better of Jaro-Winkler on word-sorted forms and on 1 - edit distance ratio. */
export function nameSimilarity(a: string, b: string): number {
  return normalizedSimilarity(normalizeName(a), normalizeName(b));
}

function normalizedSimilarity(x: string, y: string): number {
  if (x === y) return 1;
  const lev = 1 - levenshtein(x, y) / Math.max(x.length, y.length, 1);
  return Math.max(jaroWinkler(x, y), lev);
}

export interface FuzzyMatch<T> {
  item: T;
  score: number;
  exact: boolean;
}

export interface FuzzyOptions {
  /** Lowest similarity accepted as a match. */
  threshold: number;
  /** How far the best must lead the runner-up; closer than this is ambiguous. */
  margin: number;
}

export type FuzzyResult<T> = { kind: 'match'; match: FuzzyMatch<T> } | { kind: 'none'; best: number } | { kind: 'ambiguous'; score: number; candidates: number };

/**
 * Candidates with their keys normalized once, so matching many rows (an import of thousands)
 * costs one normalization per row instead of one per row and candidate.
 */
export class NameIndex<T> {
  private readonly exact = new Map<string, T[]>();
  private readonly entries: Array<{ item: T; keys: string[] }>;

  constructor(candidates: readonly T[], keysOf: (item: T) => readonly string[]) {
    this.entries = candidates.map((item) => ({ item, keys: [...new Set(keysOf(item).map(normalizeName).filter(Boolean))] }));
    for (const e of this.entries) {
      for (const k of e.keys) {
        const list = this.exact.get(k);
        if (!list) this.exact.set(k, [e.item]);
        else if (!list.includes(e.item)) list.push(e.item);
      }
    }
  }

  /**
   * The one candidate whose key best matches `query`: an exact normalized match wins outright (two
   * are ambiguous); otherwise the best similarity above the threshold that leads the runner-up by
   * the margin.
   */
  match(query: string, opts: FuzzyOptions = { threshold: 0.9, margin: 0.03 }): FuzzyResult<T> {
    const q = normalizeName(query);
    if (!q) return { kind: 'none', best: 0 };
    const exact = this.exact.get(q) ?? [];
    if (exact.length === 1) return { kind: 'match', match: { item: exact[0] as T, score: 1, exact: true } };
    if (exact.length > 1) return { kind: 'ambiguous', score: 1, candidates: exact.length };
    let best: FuzzyMatch<T> | null = null;
    let second = 0;
    for (const e of this.entries) {
      let score = 0;
      for (const k of e.keys) score = Math.max(score, normalizedSimilarity(q, k));
      if (!best || score > best.score) {
        second = best?.score ?? second;
        best = { item: e.item, score, exact: false };
      } else if (score > second) {
        second = score;
      }
    }
    if (!best || best.score < opts.threshold) return { kind: 'none', best: best?.score ?? 0 };
    if (best.score - second < opts.margin) return { kind: 'ambiguous', score: best.score, candidates: 2 };
    return { kind: 'match', match: best };
  }
}

/** One-off match (builds an index for a single query). */
export function bestMatch<T>(query: string, candidates: readonly T[], keysOf: (item: T) => readonly string[], opts: FuzzyOptions = { threshold: 0.9, margin: 0.03 }): FuzzyResult<T> {
  return new NameIndex(candidates, keysOf).match(query, opts);
}
