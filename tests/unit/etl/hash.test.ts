import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { contentHash, Sha256, withContentHash } from '../../../functions/_shared/etl/index.ts';
import { streamOf, utf8 } from './support.ts';

const hex = (bytes: ArrayBuffer) => Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, '0')).join('');

/** Deterministic pseudo-random bytes. */
function bytesOf(length: number, seed: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(length);
  let state = seed;
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    bytes[i] = state >>> 24;
  }
  return bytes;
}

describe('Sha256', () => {
  it('matches the FIPS 180-4 test vectors', () => {
    expect(new Sha256().hex()).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(new Sha256().update(utf8('abc')).hex()).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(new Sha256().update(utf8('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')).hex()).toBe(
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    );
    expect(
      new Sha256().update(utf8('abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu')).hex(),
    ).toBe('cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1');
    const millionA = new Sha256();
    for (let i = 0; i < 1000; i++) millionA.update(utf8('a'.repeat(1000)));
    expect(millionA.hex()).toBe('cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0');
  });

  it('goes on from a saved state as if it had never stopped (a file hashed slice by slice)', async () => {
    const bytes = bytesOf(1000, 7);
    const expected = hex(await crypto.subtle.digest('SHA-256', bytes));
    for (const cut of [0, 1, 63, 64, 65, 500, 999, 1000]) {
      const first = new Sha256().update(bytes.subarray(0, cut));
      // Through JSON, as the checkpoint keeps it.
      const saved = JSON.parse(JSON.stringify(first.save())) as ReturnType<Sha256['save']>;
      expect(Sha256.restore(saved).update(bytes.subarray(cut)).hex(), `cut at ${cut}`).toBe(expected);
    }
    expect(() => Sha256.restore({ words: [1, 2], pending: '', totalBytes: 0 })).toThrow(/not a saved state/);
  });

  it('agrees with crypto.subtle around every padding boundary, fed in pieces of any size', async () => {
    for (const length of [1, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 129, 1000]) {
      const bytes = bytesOf(length, length);
      const expected = hex(await crypto.subtle.digest('SHA-256', bytes));
      for (const piece of [1, 3, 63, 64, 65, length]) {
        const hash = new Sha256();
        for (let at = 0; at < length; at += piece) hash.update(bytes.subarray(at, at + piece));
        expect(hash.hex()).toBe(expected);
      }
    }
  });

  it('agrees with node:crypto on 5 MB', () => {
    const bytes = bytesOf(5 << 20, 7);
    expect(new Sha256().update(bytes).hex()).toBe(createHash('sha256').update(bytes).digest('hex'));
  });

  it('refuses more input after the digest', () => {
    const hash = new Sha256();
    hash.digest();
    expect(() => hash.update(utf8('x'))).toThrow('Sha256: update after digest');
  });
});

describe('contentHash and withContentHash', () => {
  const file = bytesOf(200_001, 3);
  const expected = createHash('sha256').update(file).digest('hex');

  it('hash a stream however it is chunked', async () => {
    expect(await contentHash(streamOf(file))).toBe(expected);
    expect(await contentHash(streamOf(file, [1, 7, 4096]))).toBe(expected);
  });

  it('pass every byte through unchanged and hash them on the way', async () => {
    const { stream, hash } = withContentHash(streamOf(file, [1000]));
    const reader = stream.getReader();
    const received: Uint8Array[] = [];
    for (let next = await reader.read(); !next.done; next = await reader.read()) received.push(next.value);
    expect(Buffer.concat(received).equals(Buffer.from(file))).toBe(true);
    expect(await hash).toBe(expected);
  });

  it('reject the hash when the copy is cancelled before its end', async () => {
    const { stream, hash } = withContentHash(streamOf(file, [1000]));
    const reader = stream.getReader();
    await reader.read();
    await reader.cancel();
    await expect(hash).rejects.toThrow('the stream was cancelled before its end, so it has no content hash');
  });
});
