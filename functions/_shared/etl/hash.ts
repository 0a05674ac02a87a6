/**
 * SHA-256 (FIPS 180-4, https://csrc.nist.gov/pubs/fips/180-4/upd1/final) over a stream.
 * crypto.subtle.digest only takes a whole buffer, which a file of gigabytes must never be,
 * so this small incremental implementation hashes chunk by chunk, in any runtime. Where a
 * native incremental hash exists (the etl function's node:crypto), it is passed in instead:
 * same answers, several times faster. Re-sending a file with the same content hash is how a
 * duplicate load is recognised.
 */

/** An incremental hash: bytes in, chunk by chunk, then the digest as lower-case hex, once. */
export interface IncrementalHash {
  update(bytes: Uint8Array): unknown;
  hex(): string;
}

const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
  0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
  0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

/**
 * Where an incremental SHA-256 stands, as JSON: a file hashed in slices (docs/imports.md) is
 * hashed by one invocation after another, each going on from the state the last one saved.
 */
export interface Sha256State {
  /** The eight working words, as signed 32-bit integers. */
  words: number[];
  /** Bytes not yet compressed (fewer than 64), as hex. */
  pending: string;
  totalBytes: number;
}

/** An incremental SHA-256: `update` with each chunk, then `hex` once. */
export class Sha256 implements IncrementalHash {
  /** Goes on from a state {@link save} gave. */
  static restore(saved: Sha256State): Sha256 {
    const hash = new Sha256();
    if (saved.words.length !== 8 || saved.pending.length % 2 !== 0 || saved.pending.length > 126) throw new Error('Sha256: not a saved state');
    hash.state.set(saved.words);
    for (let i = 0; i < saved.pending.length / 2; i++) hash.pending[i] = parseInt(saved.pending.slice(i * 2, i * 2 + 2), 16);
    hash.pendingLength = saved.pending.length / 2;
    hash.totalBytes = saved.totalBytes;
    return hash;
  }

  /** The state so far, to go on from later with {@link restore}. */
  save(): Sha256State {
    if (this.finished) throw new Error('Sha256: save after digest');
    const pending = Array.from(this.pending.subarray(0, this.pendingLength), (byte) => byte.toString(16).padStart(2, '0')).join('');
    return { words: Array.from(this.state), pending, totalBytes: this.totalBytes };
  }

  private readonly state = new Int32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);
  private readonly words = new Int32Array(64);
  private readonly pending = new Uint8Array(64);
  private pendingLength = 0;
  private totalBytes = 0;
  private finished = false;

  update(bytes: Uint8Array): this {
    if (this.finished) throw new Error('Sha256: update after digest');
    this.totalBytes += bytes.length;
    let offset = 0;
    if (this.pendingLength > 0) {
      const take = Math.min(64 - this.pendingLength, bytes.length);
      this.pending.set(bytes.subarray(0, take), this.pendingLength);
      this.pendingLength += take;
      offset = take;
      if (this.pendingLength < 64) return this;
      this.compress(this.pending, 0);
      this.pendingLength = 0;
    }
    for (; offset + 64 <= bytes.length; offset += 64) this.compress(bytes, offset);
    if (offset < bytes.length) {
      this.pending.set(bytes.subarray(offset));
      this.pendingLength = bytes.length - offset;
    }
    return this;
  }

  /** The digest; the hash cannot be updated afterwards. */
  digest(): Uint8Array {
    if (!this.finished) {
      const bits = this.totalBytes * 8;
      const padding = new Uint8Array(((this.pendingLength < 56 ? 56 : 120) - this.pendingLength) + 8);
      padding[0] = 0x80;
      const view = new DataView(padding.buffer);
      view.setUint32(padding.length - 8, Math.floor(bits / 2 ** 32));
      view.setUint32(padding.length - 4, bits >>> 0);
      this.update(padding);
      this.finished = true;
    }
    const out = new Uint8Array(32);
    const view = new DataView(out.buffer);
    this.state.forEach((word, i) => view.setInt32(i * 4, word));
    return out;
  }

  /** The digest as 64 lower-case hex digits. */
  hex(): string {
    return Array.from(this.digest(), (byte) => byte.toString(16).padStart(2, '0')).join('');
  }

  private compress(bytes: Uint8Array, offset: number): void {
    const w = this.words;
    for (let i = 0; i < 16; i++) {
      const at = offset + i * 4;
      w[i] = ((bytes[at] ?? 0) << 24) | ((bytes[at + 1] ?? 0) << 16) | ((bytes[at + 2] ?? 0) << 8) | (bytes[at + 3] ?? 0);
    }
    for (let i = 16; i < 64; i++) {
      const w15 = w[i - 15] ?? 0;
      const w2 = w[i - 2] ?? 0;
      const s0 = ((w15 >>> 7) | (w15 << 25)) ^ ((w15 >>> 18) | (w15 << 14)) ^ (w15 >>> 3);
      const s1 = ((w2 >>> 17) | (w2 << 15)) ^ ((w2 >>> 19) | (w2 << 13)) ^ (w2 >>> 10);
      w[i] = ((w[i - 16] ?? 0) + s0 + (w[i - 7] ?? 0) + s1) | 0;
    }
    const h = this.state;
    let a = h[0] ?? 0;
    let b = h[1] ?? 0;
    let c = h[2] ?? 0;
    let d = h[3] ?? 0;
    let e = h[4] ?? 0;
    let f = h[5] ?? 0;
    let g = h[6] ?? 0;
    let hh = h[7] ?? 0;
    for (let i = 0; i < 64; i++) {
      const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      const t1 = (hh + S1 + ((e & f) ^ (~e & g)) + (K[i] ?? 0) + (w[i] ?? 0)) | 0;
      const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      const t2 = (S0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
      hh = g;
      g = f;
      f = e;
      e = (d + t1) | 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) | 0;
    }
    h[0] = (h[0] ?? 0) + a;
    h[1] = (h[1] ?? 0) + b;
    h[2] = (h[2] ?? 0) + c;
    h[3] = (h[3] ?? 0) + d;
    h[4] = (h[4] ?? 0) + e;
    h[5] = (h[5] ?? 0) + f;
    h[6] = (h[6] ?? 0) + g;
    h[7] = (h[7] ?? 0) + hh;
  }
}

/** The SHA-256 of everything the stream yields, as hex; reads it to the end. */
export async function contentHash(stream: ReadableStream<Uint8Array>): Promise<string> {
  const hash = new Sha256();
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return hash.hex();
    hash.update(value);
  }
}

/**
 * A pass-through of `stream` that hashes what flows through it (with `sha`, a fresh SHA-256),
 * so one read both parses and hashes a file. `hash` settles when the copy has been read to
 * the end (or rejects if it is cancelled first).
 */
export function withContentHash(
  stream: ReadableStream<Uint8Array>,
  sha: IncrementalHash = new Sha256(),
): { stream: ReadableStream<Uint8Array>; hash: Promise<string> } {
  const reader = stream.getReader();
  let settle: { resolve: (hex: string) => void; reject: (reason: unknown) => void } | undefined;
  const hash = new Promise<string>((resolve, reject) => {
    settle = { resolve, reject };
  });
  // A consumer that never awaits the hash must not cause an unhandled rejection.
  hash.catch(() => undefined);
  const hashed = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) {
          settle?.resolve(sha.hex());
          controller.close();
          return;
        }
        sha.update(value);
        controller.enqueue(value);
      } catch (error) {
        settle?.reject(error);
        controller.error(error);
      }
    },
    async cancel(reason) {
      settle?.reject(new Error('the stream was cancelled before its end, so it has no content hash'));
      await reader.cancel(reason);
    },
  });
  return { stream: hashed, hash };
}
