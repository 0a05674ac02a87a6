import { encryptPayload, maxPlaintextBytes } from './encryption.ts';
import { vapidAuthorization, type VapidKeys } from './vapid.ts';

/**
 * One push message to one subscription (RFC 8030 §5), and what the push service's answer
 * means for the delivery, as FCM, Mozilla autopush, Apple and WNS document it: 201 (202 for
 * a receipt) sent; 404/410 the subscription is gone for good; 429 (Retry-After) and 5xx try
 * again later; 400 (malformed), 401/403 (VAPID refused), 413 (too large) fail for good.
 */

export interface WebPushSubscription {
  endpoint: string;
  p256dh: string;
  auth: string;
}

/** RFC 8030 §5.3. */
export type Urgency = 'very-low' | 'low' | 'normal' | 'high';

export interface WebPushMessage {
  /** The text the service worker reads (JSON); at most maxPlaintextBytes as UTF-8. */
  payload: string;
  /** How long the push service keeps it for an offline device (RFC 8030 §5.2). */
  ttlSeconds: number;
  urgency: Urgency;
  /** A newer message with the same topic replaces a waiting one (RFC 8030 §5.4): ≤ 32 base64url characters. */
  topic?: string;
}

export type PushResult =
  | { outcome: 'sent' }
  | { outcome: 'gone'; error: string }
  | { outcome: 'retry'; error: string; retryAfterSeconds?: number }
  | { outcome: 'failed'; error: string };

/** Retry-After as seconds or an HTTP-date (RFC 9110 §10.2.3). */
export function retryAfterSeconds(value: string | null, nowMs = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - nowMs) / 1000));
}

/** The push service's words about a refusal (JSON of autopush and Apple, text of FCM), shortened. */
async function reason(response: Response): Promise<string> {
  const body = (await response.text().catch(() => '')).replace(/\s+/g, ' ').trim();
  return body ? `${response.status} ${body.slice(0, 200)}` : `${response.status} ${response.statusText}`.trim();
}

export async function sendWebPush(subscription: WebPushSubscription, message: WebPushMessage, vapid: VapidKeys): Promise<PushResult> {
  const plaintext = new TextEncoder().encode(message.payload);
  if (plaintext.length > maxPlaintextBytes) return { outcome: 'failed', error: `The message is ${plaintext.length} bytes; a push carries at most ${maxPlaintextBytes}` };
  if (message.topic !== undefined && !/^[A-Za-z0-9_-]{1,32}$/.test(message.topic)) throw new Error('A Topic is 1–32 base64url characters');
  let response: Response;
  try {
    const body = await encryptPayload(plaintext, subscription);
    response = await fetch(subscription.endpoint, {
      method: 'POST',
      headers: {
        authorization: await vapidAuthorization(subscription.endpoint, vapid),
        'content-encoding': 'aes128gcm',
        'content-type': 'application/octet-stream',
        ttl: String(message.ttlSeconds),
        urgency: message.urgency,
        ...(message.topic ? { topic: message.topic } : {}),
      },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(10_000),
    });
  } catch (error) {
    return { outcome: 'retry', error: `Push service unreachable: ${(error as Error).message}` };
  }
  if (response.status === 201 || response.status === 202) {
    await response.body?.cancel();
    return { outcome: 'sent' };
  }
  const error = `Push service ${await reason(response)}`;
  if (response.status === 404 || response.status === 410) return { outcome: 'gone', error };
  if (response.status === 429) return { outcome: 'retry', error, retryAfterSeconds: retryAfterSeconds(response.headers.get('retry-after')) };
  if (response.status >= 500) return { outcome: 'retry', error, retryAfterSeconds: retryAfterSeconds(response.headers.get('retry-after')) };
  // 400, 401, 403 (the VAPID key does not match the subscription's), 413, a redirect: trying again cannot help.
  return { outcome: 'failed', error };
}
