import { createDecipheriv, createECDH, hkdfSync, randomBytes } from 'node:crypto';

/**
 * The browser's side of a Web Push subscription, written apart from functions/_shared (with
 * node:crypto, not WebCrypto) so a test reads what the function sent as a browser would: a
 * P-256 key pair and an auth secret (PushSubscription.getKey('p256dh' | 'auth')), and RFC 8291
 * decryption of an aes128gcm body (RFC 8188 §2).
 */
export class PushSubscriber {
  private readonly ecdh = createECDH('prime256v1');
  readonly auth: Buffer;

  constructor(privateKey?: Buffer, auth?: Buffer) {
    if (privateKey) this.ecdh.setPrivateKey(privateKey);
    else this.ecdh.generateKeys();
    this.auth = auth ?? randomBytes(16);
  }

  /** The keys as PushSubscription.toJSON() gives them, base64url. */
  get keys(): { p256dh: string; auth: string } {
    return { p256dh: this.ecdh.getPublicKey().toString('base64url'), auth: this.auth.toString('base64url') };
  }

  decrypt(body: Buffer): Buffer {
    const salt = body.subarray(0, 16);
    const recordSize = body.readUInt32BE(16);
    const idLength = body[20] ?? 0;
    const serverPublic = body.subarray(21, 21 + idLength);
    const ciphertext = body.subarray(21 + idLength);
    if (ciphertext.length > recordSize) throw new Error('More than one record');
    const uaPublic = this.ecdh.getPublicKey();
    const ecdhSecret = this.ecdh.computeSecret(serverPublic);
    const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), uaPublic, serverPublic]);
    const ikm = Buffer.from(hkdfSync('sha256', ecdhSecret, this.auth, keyInfo, 32));
    const cek = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: aes128gcm\0'), 16));
    const nonce = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: nonce\0'), 12));
    const decipher = createDecipheriv('aes-128-gcm', cek, nonce);
    decipher.setAuthTag(ciphertext.subarray(ciphertext.length - 16));
    const record = Buffer.concat([decipher.update(ciphertext.subarray(0, ciphertext.length - 16)), decipher.final()]);
    // The last record: the content, the delimiter 0x02, then only zero padding.
    let end = record.length - 1;
    while (end >= 0 && record[end] === 0) end--;
    if (record[end] !== 2) throw new Error('No last-record delimiter (0x02)');
    return record.subarray(0, end);
  }
}
