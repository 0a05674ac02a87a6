import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The project's VAPID key pair for Web Push (RFC 8292), base64url raw as `npm run vapid` prints it. */
export interface VapidPair {
  publicKey: string;
  privateKey: string;
}

/** A fresh P-256 pair: the public key as the 65-byte uncompressed point, the private key as the 32-byte scalar. */
export function generateVapidPair(): VapidPair {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const jwk = privateKey.export({ format: 'jwk' });
  const point = Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x ?? '', 'base64url'), Buffer.from(jwk.y ?? '', 'base64url')]);
  return { publicKey: point.toString('base64url'), privateKey: jwk.d ?? '' };
}

/**
 * The pair made once per data folder and kept in `<dataDir>/vapid.json` (browsers' subscriptions
 * are bound to the public key, so it must outlive restarts); VAPID_PUBLIC_KEY and
 * VAPID_PRIVATE_KEY in the environment take precedence (as the project's secrets on a hosted one).
 */
export function loadVapidPair(dataDir: string): VapidPair {
  const { VAPID_PUBLIC_KEY: publicKey, VAPID_PRIVATE_KEY: privateKey } = process.env;
  if (publicKey && privateKey) return { publicKey, privateKey };
  const file = join(dataDir, 'vapid.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as VapidPair;
  const pair = generateVapidPair();
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, JSON.stringify(pair, null, 2) + '\n', { mode: 0o600 });
  return pair;
}

/** The secrets the functions get, as `supabase secrets set` sets them on a hosted project. */
export function vapidSecrets(pair: VapidPair): Record<string, string> {
  return { VAPID_PUBLIC_KEY: pair.publicKey, VAPID_PRIVATE_KEY: pair.privateKey, VAPID_SUBJECT: process.env.VAPID_SUBJECT ?? 'mailto:alerts@arbidesk.example' };
}
