import { fromBase64Url, toBase64Url } from './base64url.ts';

/**
 * P-256 keys as Web Push passes them: a public key is the 65-byte uncompressed point
 * (0x04 || x || y; a subscription's p256dh, the VAPID `k`), a private key the 32-byte scalar
 * d. WebCrypto imports a private key only as JWK or PKCS#8, so both become a JWK here.
 */

export function pointToJwk(point: Uint8Array): JsonWebKey {
  if (point.length !== 65 || point[0] !== 4) throw new Error('A P-256 public key is 65 bytes, 0x04 || x || y');
  return { kty: 'EC', crv: 'P-256', x: toBase64Url(point.slice(1, 33)), y: toBase64Url(point.slice(33)), ext: true };
}

export function privateJwk(publicKey: string, privateKey: string): JsonWebKey {
  const d = fromBase64Url(privateKey);
  if (d.length !== 32) throw new Error('A P-256 private key is 32 bytes');
  return { ...pointToJwk(fromBase64Url(publicKey)), d: toBase64Url(d) };
}
