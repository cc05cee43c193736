/**
 * Limits on what an import may hold. They bound the memory and time a hostile or mistaken file can
 * cost before it is refused; a residency program's real files are far below every one of them.
 */
export const IMPORT_LIMITS = {
  /** Decoded file size (the contract also caps the base64 text). */
  maxFileBytes: 5 * 1024 * 1024,
  maxRows: 20_000,
  maxColumns: 100,
  maxCellChars: 2_000,
  /** ZIP (XLSX) checks, made on the central directory before anything is inflated. */
  maxZipEntries: 500,
  maxEntryBytes: 32 * 1024 * 1024,
  maxTotalUncompressedBytes: 64 * 1024 * 1024,
  /** Ratio above which a large entry is treated as a zip bomb (ordinary sheets are 5-30). */
  maxCompressionRatio: 200,
  ratioCheckFromBytes: 1024 * 1024,
  maxSheets: 50,
  /** Previews kept per open vault, and how long one stays confirmable. */
  maxPreviews: 20,
  previewTtlMs: 15 * 60 * 1000,
} as const;
