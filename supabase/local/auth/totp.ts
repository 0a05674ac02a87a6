import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Time-based one-time passwords as Supabase Auth makes and checks them
 * (https://datatracker.ietf.org/doc/html/rfc6238, through github.com/pquerna/otp): HMAC-SHA1,
 * 30-second steps, 6 digits, a 20-byte secret in unpadded base32, and a code accepted one
 * step either side of the server's clock (GoTrue's `Skew: 1`).
 */
const totpPeriodSeconds = 30;
const digits = 6;
const secretBytes = 20;
const skewSteps = 1;
const base32Alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** Base32 (RFC 4648) without padding, as authenticator apps read the `secret` parameter. */
function base32(bytes: Buffer): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += base32Alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += base32Alphabet[(value << (5 - bits)) & 31];
  return out;
}

/** The bytes of a base32 secret; pquerna/otp also takes lower case and missing padding. */
function fromBase32(secret: string): Buffer {
  const bytes: number[] = [];
  let bits = 0;
  let value = 0;
  for (const char of secret.trim().toUpperCase().replace(/=+$/, '')) {
    const index = base32Alphabet.indexOf(char);
    if (index < 0) throw new Error('TOTP secret is not base32');
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      bytes.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  return Buffer.from(bytes);
}

/** A new secret for a factor: 20 random bytes, as totp.Generate makes them. */
export function newTotpSecret(): string {
  return base32(randomBytes(secretBytes));
}

/** The time step a moment falls in. */
export function totpStep(unixMs: number): number {
  return Math.floor(unixMs / 1000 / totpPeriodSeconds);
}

/** The code of one step (RFC 4226's HOTP with the step as counter, dynamic truncation). */
export function totpCode(secret: string, step: number): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac('sha1', fromBase32(secret)).update(counter).digest();
  const offset = (mac[mac.length - 1] ?? 0) & 0xf;
  const value = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(value % 10 ** digits).padStart(digits, '0');
}

/**
 * The step whose code `code` is, among the current one and one either side (tried in
 * pquerna's order: now, next, previous), or undefined when it is none of them. Surrounding
 * spaces are ignored and the comparison takes constant time, as in pquerna/otp.
 */
export function matchingTotpStep(secret: string, code: string, unixMs: number): number | undefined {
  const given = Buffer.from(code.trim());
  if (given.length !== digits) return undefined;
  const now = totpStep(unixMs);
  const candidates = [now];
  for (let i = 1; i <= skewSteps; i += 1) candidates.push(now + i, now - i);
  return candidates.find((step) => timingSafeEqual(Buffer.from(totpCode(secret, step)), given));
}

const unreserved = /[A-Za-z0-9\-_.~]/;

/**
 * Percent-encodes as Go's net/url does: in a path ('path') only '?' of the reserved
 * characters is escaped; in a path segment ('segment', url.PathEscape) also '/', ';' and ','.
 * Everything else that is not unreserved becomes %XX of its UTF-8 bytes.
 */
function goEscape(text: string, mode: 'path' | 'segment'): string {
  const keptReserved = mode === 'path' ? '$&+,/:;=@' : '$&+:=@';
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const char = String.fromCharCode(byte);
    if (byte < 0x80 && (unreserved.test(char) || keptReserved.includes(char))) out += char;
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/**
 * The key URI authenticator apps read (https://github.com/google/google-authenticator/wiki/Key-Uri-Format),
 * exactly as totp.Generate writes it: `otpauth://totp/<issuer>:<account>?algorithm=SHA1&digits=6&issuer=…&period=30&secret=…`,
 * parameters sorted, values escaped with url.PathEscape (spaces as %20, which Google Authenticator needs).
 */
export function totpUri(issuer: string, account: string, secret: string): string {
  const params: [string, string][] = [
    ['algorithm', 'SHA1'],
    ['digits', String(digits)],
    ['issuer', issuer],
    ['period', String(totpPeriodSeconds)],
    ['secret', secret],
  ];
  const query = params.map(([key, value]) => `${key}=${goEscape(value, 'segment')}`).join('&');
  return `otpauth://totp${goEscape(`/${issuer}:${account}`, 'path')}?${query}`;
}
