import { concatBytes, fromBase64Url } from './base64url.ts';
import { pointToJwk, privateJwk } from './keys.ts';

/**
 * Message encryption for Web Push (RFC 8291) in the aes128gcm content coding (RFC 8188):
 * an ECDH P-256 key of the application server made for this one message, HKDF keyed with the
 * subscription's auth secret, one record with the padding delimiter 0x02. The push service
 * cannot read the message; only the browser holding the subscription's private key can.
 */

/** The subscription's keys as the browser gives them (PushSubscription.toJSON().keys), base64url. */
export interface SubscriptionKeys {
  p256dh: string;
  auth: string;
}

/** Record size written in the header; one record carries the whole message. */
const recordSize = 4096;
/** Header (salt 16, rs 4, idlen 1, keyid 65) + the AEAD tag + the delimiter: what a 4096-byte body leaves for the message. */
export const maxPlaintextBytes = recordSize - 86 - 16 - 1;

const text = (s: string) => new TextEncoder().encode(s);

async function hkdf(salt: Uint8Array<ArrayBuffer>, ikm: Uint8Array<ArrayBuffer>, info: Uint8Array<ArrayBuffer>, bytes: number): Promise<Uint8Array<ArrayBuffer>> {
  const key = await crypto.subtle.importKey('raw', ikm, 'HKDF', false, ['deriveBits']);
  return new Uint8Array(await crypto.subtle.deriveBits({ name: 'HKDF', hash: 'SHA-256', salt, info }, key, bytes * 8));
}

/** Fixed inputs for RFC 8291 Appendix A's worked example; a real message draws both afresh. */
export interface EncryptionInputs {
  salt?: Uint8Array<ArrayBuffer>;
  /** The application server's pair for this message, base64url raw. */
  serverKeys?: { publicKey: string; privateKey: string };
}

export async function encryptPayload(plaintext: Uint8Array, subscription: SubscriptionKeys, inputs: EncryptionInputs = {}): Promise<Uint8Array<ArrayBuffer>> {
  if (plaintext.length > maxPlaintextBytes) throw new Error(`A push message is at most ${maxPlaintextBytes} bytes`);
  const uaPublic = fromBase64Url(subscription.p256dh);
  const authSecret = fromBase64Url(subscription.auth);
  if (authSecret.length !== 16) throw new Error('The auth secret is 16 bytes');
  const salt = inputs.salt ?? crypto.getRandomValues(new Uint8Array(16));

  let serverPrivate: CryptoKey;
  let asPublic: Uint8Array<ArrayBuffer>;
  if (inputs.serverKeys) {
    serverPrivate = await crypto.subtle.importKey('jwk', privateJwk(inputs.serverKeys.publicKey, inputs.serverKeys.privateKey), { name: 'ECDH', namedCurve: 'P-256' }, false, ['deriveBits']);
    asPublic = concatBytes(fromBase64Url(inputs.serverKeys.publicKey));
  } else {
    const pair = await crypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true, ['deriveBits']);
    serverPrivate = pair.privateKey;
    asPublic = new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey));
  }
  const receiver = await crypto.subtle.importKey('jwk', pointToJwk(uaPublic), { name: 'ECDH', namedCurve: 'P-256' }, false, []);
  const ecdhSecret = new Uint8Array(await crypto.subtle.deriveBits({ name: 'ECDH', public: receiver }, serverPrivate, 256));

  // RFC 8291 §3.4: IKM = HKDF(auth_secret, ecdh_secret, "WebPush: info" || 0x00 || ua_public || as_public, 32).
  const ikm = await hkdf(concatBytes(authSecret), ecdhSecret, concatBytes(text('WebPush: info\0'), uaPublic, asPublic), 32);
  // RFC 8188 §2.2/2.3: the content-encryption key and the nonce (one record: sequence number 0).
  const cek = await hkdf(salt, ikm, text('Content-Encoding: aes128gcm\0'), 16);
  const nonce = await hkdf(salt, ikm, text('Content-Encoding: nonce\0'), 12);

  const key = await crypto.subtle.importKey('raw', cek, 'AES-GCM', false, ['encrypt']);
  // The last (and only) record ends with the delimiter 0x02 and no further padding.
  const record = concatBytes(plaintext, new Uint8Array([2]));
  const ciphertext = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv: nonce, tagLength: 128 }, key, record));

  const header = new Uint8Array(21);
  header.set(salt, 0);
  new DataView(header.buffer).setUint32(16, recordSize);
  header[20] = asPublic.length;
  return concatBytes(header, asPublic, ciphertext);
}
