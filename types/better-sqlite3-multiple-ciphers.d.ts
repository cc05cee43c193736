// better-sqlite3-multiple-ciphers ships no types; its API is better-sqlite3's, plus the cipher PRAGMAs.
declare module 'better-sqlite3-multiple-ciphers' {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- ambient re-export of a CommonJS module's types
  import Database = require('better-sqlite3');
  export = Database;
}
