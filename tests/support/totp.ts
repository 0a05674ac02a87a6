import { createHmac } from 'node:crypto';

/**
 * The code an authenticator app shows for a TOTP secret (RFC 6238: HMAC-SHA1 over the 30-second
 * step, 6 digits), written apart from the stack's own implementation so that the tests check
 * it against the RFC rather than against itself. `at` moves the clock (ms since the epoch).
 */
export function totp(secret: string, at: number = Date.now()): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const bits = [...secret.replace(/=+$/, '').toUpperCase()].map((char) => {
    const index = alphabet.indexOf(char);
    if (index < 0) throw new Error(`not base32: ${secret}`);
    return index.toString(2).padStart(5, '0');
  });
  const binary = bits.join('');
  const key = Buffer.from(Array.from({ length: Math.floor(binary.length / 8) }, (_, i) => parseInt(binary.slice(i * 8, i * 8 + 8), 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 30_000)));
  const mac = createHmac('sha1', key).update(counter).digest();
  const offset = (mac.at(-1) ?? 0) & 0x0f;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}

/** One TOTP step, to ask for the next code (accepted one step early) or one too old. */
export const totpStepMs = 30_000;
