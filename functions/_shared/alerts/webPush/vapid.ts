import { toBase64Url } from './base64url.ts';
import { privateJwk } from './keys.ts';

/**
 * Voluntary Application Server Identification (RFC 8292): each request carries a JWT signed
 * with the project's key (ES256), for the push service's origin, valid for at most 24 hours,
 * naming a contact. The browser subscribed with the public key (applicationServerKey), so
 * the push service accepts messages for that subscription only with this key's signature.
 */

export interface VapidKeys {
  /** base64url of the 65-byte uncompressed P-256 point (the app's applicationServerKey). */
  publicKey: string;
  /** base64url of the 32-byte private scalar. */
  privateKey: string;
  /** A contact for the push service's operators: mailto: or https: (RFC 8292 §2.1). */
  subject: string;
}

/** Well under the 24 h RFC 8292 allows, so a clock a little ahead of the push service's is fine. */
const lifetimeSeconds = 12 * 3600;

const json = (value: unknown) => toBase64Url(new TextEncoder().encode(JSON.stringify(value)));

/** The value of the Authorization header for a request to `endpoint`: `vapid t=<jwt>, k=<public key>`. */
export async function vapidAuthorization(endpoint: string, keys: VapidKeys, nowMs = Date.now()): Promise<string> {
  const signing = await crypto.subtle.importKey('jwk', privateJwk(keys.publicKey, keys.privateKey), { name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']);
  const unsigned = `${json({ typ: 'JWT', alg: 'ES256' })}.${json({ aud: new URL(endpoint).origin, exp: Math.floor(nowMs / 1000) + lifetimeSeconds, sub: keys.subject })}`;
  // WebCrypto's ECDSA signature is r || s, 64 bytes: the JWS form of ES256 (RFC 7518 §3.4).
  const signature = new Uint8Array(await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, signing, new TextEncoder().encode(unsigned)));
  return `vapid t=${unsigned}.${toBase64Url(signature)}, k=${keys.publicKey}`;
}

/** The VAPID secrets, or why they are not usable (the delivery then skips web push with that reason). */
export function readVapidKeys(env: (name: string) => string | undefined): VapidKeys | string {
  const publicKey = env('VAPID_PUBLIC_KEY')?.trim();
  const privateKey = env('VAPID_PRIVATE_KEY')?.trim();
  const subject = env('VAPID_SUBJECT')?.trim();
  if (!publicKey || !privateKey) return 'The project has no VAPID keys (VAPID_PUBLIC_KEY, VAPID_PRIVATE_KEY)';
  try {
    privateJwk(publicKey, privateKey);
  } catch (error) {
    return `The VAPID keys are not base64url P-256 keys: ${(error as Error).message}`;
  }
  if (!subject || !/^(mailto:|https:)/.test(subject)) return 'VAPID_SUBJECT must be a mailto: or https: contact';
  return { publicKey, privateKey, subject };
}
