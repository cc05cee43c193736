/**
 * RFC 9162 section 2.1.1 hashing with the hash function injected: the main process passes Node's
 * one-shot SHA-256, the renderer or a server may pass their own. Nothing here imports a platform.
 *
 *   leaf hash = H(0x00 || data)     node hash = H(0x01 || left || right)     empty tree = H()
 *
 * The 0x00 / 0x01 prefixes are what stop a leaf from being passed off as an inner node (second
 * preimage), so every caller goes through this class instead of concatenating by hand.
 */
export type HashFn = (data: Uint8Array) => Uint8Array;

export class MerkleHasher {
  /** Output size of the hash in bytes (32 for SHA-256). */
  readonly size: number;
  private readonly nodeScratch: Uint8Array;

  constructor(private readonly hashFn: HashFn) {
    this.size = hashFn(new Uint8Array(0)).length;
    this.nodeScratch = new Uint8Array(1 + 2 * this.size);
    this.nodeScratch[0] = 0x01;
  }

  emptyRoot(): Uint8Array {
    return this.hashFn(new Uint8Array(0));
  }

  leafHash(data: Uint8Array): Uint8Array {
    const buf = new Uint8Array(data.length + 1);
    buf[0] = 0x00;
    buf.set(data, 1);
    return this.hashFn(buf);
  }

  /**
   * H(0x01 || left || right). Reuses one scratch buffer: the injected hash must not keep a
   * reference to its input (one-shot digests never do).
   */
  nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
    if (left.length !== this.size || right.length !== this.size) {
      throw new RangeError(`node hash: children must be ${this.size} bytes`);
    }
    this.nodeScratch.set(left, 1);
    this.nodeScratch.set(right, 1 + this.size);
    return this.hashFn(this.nodeScratch);
  }
}
