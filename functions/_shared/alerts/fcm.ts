import { accessToken, GoogleAuthError, type ServiceAccount } from './googleAuth.ts';

/**
 * Firebase Cloud Messaging HTTP v1 (https://firebase.google.com/docs/reference/fcm/rest/v1/projects.messages/send):
 * POST {api}/v1/projects/{project_id}/messages:send with {message}, authorised by an OAuth
 * token of the project's service account. This is the request firebase-admin's
 * `messaging().send()` makes; the library itself is not used because it cannot be pointed
 * anywhere but fcm.googleapis.com and needs Node's http2 (docs/alerts.md).
 */

export const fcmScope = 'https://www.googleapis.com/auth/firebase.messaging';

/** A message to one device (https://firebase.google.com/docs/reference/fcm/rest/v1/projects.messages#Message). */
export interface FcmMessage {
  token: string;
  notification: { title: string; body: string };
  /** Only strings: FCM refuses any other value (INVALID_ARGUMENT). */
  data: Record<string, string>;
  android: { priority: 'HIGH' | 'NORMAL'; collapse_key: string; notification: { tag: string; channel_id: string } };
  apns: { headers: Record<string, string>; payload: { aps: { sound: string; 'thread-id': string } } };
}

/** What one message to one device came to, for the delivery to act on. */
export type FcmResult =
  | { outcome: 'sent'; name: string }
  /** The token is dead or not ours: the subscription is removed (UNREGISTERED, a bad token, SENDER_ID_MISMATCH). */
  | { outcome: 'gone'; error: string }
  /** Again later: QUOTA_EXCEEDED, UNAVAILABLE, INTERNAL, a network fault; not before `retryAfterSeconds` when FCM said. */
  | { outcome: 'retry'; error: string; retryAfterSeconds?: number }
  /** Trying again cannot help until the project fixes something (the APNs key in Firebase, the message). */
  | { outcome: 'failed'; error: string };

/** The error body FCM answers with, a google.rpc.Status (https://firebase.google.com/docs/cloud-messaging/error-codes). */
interface RpcStatus {
  code?: number;
  message?: string;
  status?: string;
  details?: readonly { '@type'?: string; errorCode?: string; fieldViolations?: readonly { field?: string }[] }[];
}

/** The FCM error code of an answer (details[].errorCode of type FcmError), else the google.rpc status. */
function errorCodeOf(status: RpcStatus): string {
  const fcm = status.details?.find((d) => d['@type']?.endsWith('google.firebase.fcm.v1.FcmError') && d.errorCode);
  return fcm?.errorCode ?? status.status ?? 'UNSPECIFIED_ERROR';
}

/** Retry-After in seconds (FCM sends seconds; an HTTP date is read too). */
function retryAfterOf(response: Response): number | undefined {
  const value = response.headers.get('retry-after');
  if (!value) return undefined;
  const seconds = /^\d+$/.test(value.trim()) ? Number(value) : (Date.parse(value) - Date.now()) / 1000;
  return Number.isFinite(seconds) && seconds > 0 ? Math.ceil(seconds) : undefined;
}

/**
 * What an error answer means (https://firebase.google.com/docs/reference/fcm/rest/v1/ErrorCode).
 * INVALID_ARGUMENT is a dead token only when FCM blames the token: a BadRequest naming another
 * field is a fault of the message, and removing the device would not fix it.
 */
export function fcmErrorResult(httpStatus: number, status: RpcStatus, retryAfterSeconds?: number): Exclude<FcmResult, { outcome: 'sent' }> {
  const code = errorCodeOf(status);
  const error = `FCM ${httpStatus} ${code}: ${status.message ?? 'no message'}`;
  const fields = (status.details ?? []).flatMap((d) => d.fieldViolations ?? []).map((v) => v.field ?? '');
  switch (code) {
    case 'UNREGISTERED':
    case 'SENDER_ID_MISMATCH':
      return { outcome: 'gone', error };
    case 'INVALID_ARGUMENT':
      return fields.some((f) => f !== 'message.token') ? { outcome: 'failed', error } : { outcome: 'gone', error };
    case 'THIRD_PARTY_AUTH_ERROR':
      return { outcome: 'failed', error: `${error} (Firebase has no valid APNs key or certificate for the iOS app)` };
    case 'QUOTA_EXCEEDED':
    case 'UNAVAILABLE':
    case 'INTERNAL':
      return { outcome: 'retry', error, retryAfterSeconds };
    default:
      if (httpStatus === 429 || httpStatus >= 500) return { outcome: 'retry', error, retryAfterSeconds };
      // PERMISSION_DENIED (the account may not send for the project), an unknown project, and the like.
      return { outcome: 'failed', error };
  }
}

export interface FcmEndpoint {
  account: ServiceAccount;
  /** https://fcm.googleapis.com, or a stand-in (FCM_API_URL). */
  apiUrl: string;
}

async function post(endpoint: FcmEndpoint, token: string, message: FcmMessage): Promise<Response> {
  return fetch(`${endpoint.apiUrl.replace(/\/$/, '')}/v1/projects/${encodeURIComponent(endpoint.account.project_id)}/messages:send`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ message }),
    signal: AbortSignal.timeout(10_000),
  });
}

/**
 * Sends one message. A 401 UNAUTHENTICATED (the access token expired or was revoked early) is
 * answered once with a fresh token; THIRD_PARTY_AUTH_ERROR, also a 401, is about APNs, not us.
 */
export async function sendFcm(endpoint: FcmEndpoint, message: FcmMessage): Promise<FcmResult> {
  let stale: string | undefined;
  for (let attempt = 0; ; attempt++) {
    let response: Response;
    try {
      const token = await accessToken(endpoint.account, fcmScope, stale);
      response = await post(endpoint, token, message);
      stale = token;
    } catch (error) {
      if (error instanceof GoogleAuthError) return error.transient ? { outcome: 'retry', error: error.message } : { outcome: 'failed', error: error.message };
      return { outcome: 'retry', error: `FCM unreachable: ${(error as Error).message}` };
    }
    const answer = (await response.json().catch(() => ({}))) as { name?: string; error?: RpcStatus };
    if (response.ok) return { outcome: 'sent', name: answer.name ?? '' };
    const result = fcmErrorResult(response.status, answer.error ?? { message: `HTTP ${response.status}` }, retryAfterOf(response));
    const expiredToken = response.status === 401 && errorCodeOf(answer.error ?? {}) !== 'THIRD_PARTY_AUTH_ERROR';
    if (!expiredToken) return result;
    if (attempt > 0) return { outcome: 'failed', error: `${result.error} (a fresh access token was refused too)` };
  }
}
