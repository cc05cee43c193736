import { hash } from 'node:crypto';
import { MerkleHasher } from '../../../shared/merkle/hasher';

/**
 * SHA-256 for the main process. One-shot crypto.hash (Node >= 20.12) is about 1.7x faster than
 * createHash().update().digest() for entry-sized inputs, which matters at a million entries.
 */
export const sha256 = (data: Uint8Array): Uint8Array => hash('sha256', data, 'buffer');

export const nodeHasher = new MerkleHasher(sha256);

/**
 * Leaf hash of a canonical entry text: SHA-256(0x00 || utf8(text)). Prepending U+0000 to the JS
 * string gives exactly the 0x00 byte in UTF-8, so no Buffer is built for the concatenation.
 * (tests check it equals MerkleHasher.leafHash on the UTF-8 bytes.)
 */
export function leafHashOfText(text: string): Buffer {
  return hash('sha256', '\u0000' + text, 'buffer');
}

/** prev of entry 0: 32 zero bytes. */
export const GENESIS_PREV = Buffer.alloc(32).toString('base64');
