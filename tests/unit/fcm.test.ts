import { createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importApnsTokens } from '../../functions/_shared/alerts/apnsImport.ts';
import { fcmErrorResult, fcmScope, sendFcm, type FcmMessage } from '../../functions/_shared/alerts/fcm.ts';
import { parseServiceAccount, signedAssertion } from '../../functions/_shared/alerts/googleAuth.ts';
import { pushText } from '../../functions/notify/nativePush.ts';
import type { DueRow } from '../../functions/notify/deliver.ts';
import { FcmFake } from '../support/fcmFake.ts';

// The FCM client is runtime-neutral (fetch and WebCrypto): the same code runs here under Node.

const google = new FcmFake('unit-project', 'app.arbidesk');

beforeAll(() => google.start());
afterAll(() => google.stop());

const message = (token: string, data: Record<string, unknown> = { url: '/app/alerts' }) => ({
  token,
  notification: { title: 'ArbiDesk', body: 'Cap reached' },
  data,
  android: { priority: 'HIGH', collapse_key: 'alert-1', notification: { tag: 'alert-1', channel_id: 'critical_alerts' } },
  apns: { headers: { 'apns-priority': '10', 'apns-collapse-id': 'alert-1' }, payload: { aps: { sound: 'default', 'thread-id': 'w' } } },
}) as FcmMessage;

describe('the service account\'s OAuth assertion', () => {
  it('is an RS256 JWT for the messaging scope, addressed to token_uri, valid for an hour, that the account\'s public key verifies', async () => {
    const account = google.serviceAccount('assertion');
    const jwt = await signedAssertion(account, fcmScope, 1_900_000_000);
    const [header, claims, signature] = jwt.split('.');
    const decode = (segment?: string) => JSON.parse(Buffer.from(segment ?? '', 'base64url').toString('utf8')) as unknown;
    expect(decode(header)).toEqual({ alg: 'RS256', typ: 'JWT' });
    expect(decode(claims)).toEqual({ iss: account.client_email, scope: fcmScope, aud: account.token_uri, iat: 1_900_000_000, exp: 1_900_003_600 });
    const publicKey = createPublicKey(account.private_key);
    expect(verify('RSA-SHA256', Buffer.from(`${header}.${claims}`), publicKey, Buffer.from(signature ?? '', 'base64url'))).toBe(true);
    expect(verify('RSA-SHA256', Buffer.from(`${header}.${claims}x`), publicKey, Buffer.from(signature ?? '', 'base64url'))).toBe(false);
  });

  it('refuses a FIREBASE_SERVICE_ACCOUNT that is not a key file, saying what is wrong', () => {
    expect(() => parseServiceAccount('not json')).toThrow('FIREBASE_SERVICE_ACCOUNT is not JSON');
    expect(() => parseServiceAccount('{"project_id": "p", "private_key": ""}')).toThrow('FIREBASE_SERVICE_ACCOUNT lacks client_email, private_key, token_uri');
    expect(() => parseServiceAccount(JSON.stringify({ project_id: 'p', client_email: 'a@p', token_uri: 'https://x', private_key: '-----BEGIN RSA PRIVATE KEY-----\nabc' })))
      .toThrow('private_key is not a PKCS#8 PEM key');
  });
});

describe('FCM error answers', () => {
  const fcmError = (errorCode: string) => ({ '@type': 'type.googleapis.com/google.firebase.fcm.v1.FcmError', errorCode });

  it('map to removing the device, retrying or failing as FCM documents them', () => {
    const cases = [
      [404, { code: 404, status: 'NOT_FOUND', message: 'Requested entity was not found.', details: [fcmError('UNREGISTERED')] }, 'gone'],
      [400, { code: 400, status: 'INVALID_ARGUMENT', message: 'The registration token is not a valid FCM registration token', details: [fcmError('INVALID_ARGUMENT')] }, 'gone'],
      [403, { code: 403, status: 'PERMISSION_DENIED', message: 'SenderId mismatch', details: [fcmError('SENDER_ID_MISMATCH')] }, 'gone'],
      [429, { code: 429, status: 'RESOURCE_EXHAUSTED', message: 'Quota exceeded', details: [fcmError('QUOTA_EXCEEDED')] }, 'retry'],
      [503, { code: 503, status: 'UNAVAILABLE', message: 'The service is currently unavailable.', details: [fcmError('UNAVAILABLE')] }, 'retry'],
      [500, { code: 500, status: 'INTERNAL', message: 'Internal error encountered.', details: [fcmError('INTERNAL')] }, 'retry'],
      [502, { message: 'HTTP 502' }, 'retry'],
      [401, { code: 401, status: 'UNAUTHENTICATED', message: 'Auth error from APNS or Web Push Service', details: [fcmError('THIRD_PARTY_AUTH_ERROR')] }, 'failed'],
      [403, { code: 403, status: 'PERMISSION_DENIED', message: 'Permission \'cloudmessaging.messages.create\' denied' }, 'failed'],
    ] as const;
    for (const [status, body, outcome] of cases) expect([body.message, fcmErrorResult(status, body).outcome]).toEqual([body.message, outcome]);
  });

  it('blame the message, not the device, when a BadRequest names a field other than the token', () => {
    const badData = { code: 400, status: 'INVALID_ARGUMENT', message: 'Invalid value at \'message.data[0].value\' (TYPE_STRING), 12',
      details: [{ '@type': 'type.googleapis.com/google.rpc.BadRequest', fieldViolations: [{ field: 'message.data[0].value' }] }] };
    expect(fcmErrorResult(400, badData)).toEqual({ outcome: 'failed', error: 'FCM 400 INVALID_ARGUMENT: Invalid value at \'message.data[0].value\' (TYPE_STRING), 12' });
  });

  it('carry the Retry-After of a 429, and name the APNs key for THIRD_PARTY_AUTH_ERROR', () => {
    expect(fcmErrorResult(429, { status: 'RESOURCE_EXHAUSTED', message: 'Quota exceeded', details: [fcmError('QUOTA_EXCEEDED')] }, 17))
      .toEqual({ outcome: 'retry', retryAfterSeconds: 17, error: 'FCM 429 QUOTA_EXCEEDED: Quota exceeded' });
    expect(fcmErrorResult(401, { status: 'UNAUTHENTICATED', message: 'Auth error from APNS or Web Push Service', details: [fcmError('THIRD_PARTY_AUTH_ERROR')] }).error)
      .toBe('FCM 401 THIRD_PARTY_AUTH_ERROR: Auth error from APNS or Web Push Service (Firebase has no valid APNs key or certificate for the iOS app)');
  });
});

describe('sending through FCM HTTP v1', () => {
  it('sends with a token the fake grants, and retries once with a fresh token after 401 UNAUTHENTICATED', async () => {
    const endpoint = { account: google.serviceAccount('send'), apiUrl: google.url };
    google.device('unit-device-1');
    const grants = google.tokenGrants;
    expect(await sendFcm(endpoint, message('unit-device-1'))).toMatchObject({ outcome: 'sent', name: expect.stringMatching(/^projects\/unit-project\/messages\//) });
    google.expireAccessTokens();
    expect(await sendFcm(endpoint, message('unit-device-1'))).toMatchObject({ outcome: 'sent' });
    expect(google.tokenGrants).toBe(grants + 2);
    expect(google.delivered.filter((d) => d.token === 'unit-device-1')).toHaveLength(2);
  });

  it('fails for good, keeping the device, when the message is malformed or APNs refuses the project\'s key', async () => {
    const endpoint = { account: google.serviceAccount('malformed'), apiUrl: google.url };
    google.device('unit-device-2').device('unit-iphone', 'apns-auth');
    expect(await sendFcm(endpoint, message('unit-device-2', { count: 3 }))).toEqual({ outcome: 'failed', error: 'FCM 400 INVALID_ARGUMENT: Invalid value at \'message.data[0].value\'' });
    expect(await sendFcm(endpoint, message('unit-iphone'))).toMatchObject({ outcome: 'failed', error: expect.stringContaining('THIRD_PARTY_AUTH_ERROR') });
  });

  it('gives the device up for SENDER_ID_MISMATCH and for a token FCM does not know', async () => {
    const endpoint = { account: google.serviceAccount('gone'), apiUrl: google.url };
    google.device('unit-other-project', 'other-sender');
    expect(await sendFcm(endpoint, message('unit-other-project'))).toEqual({ outcome: 'gone', error: 'FCM 403 SENDER_ID_MISMATCH: SenderId mismatch' });
    expect(await sendFcm(endpoint, message('unit-never-registered')))
      .toEqual({ outcome: 'gone', error: 'FCM 400 INVALID_ARGUMENT: The registration token is not a valid FCM registration token' });
  });

  it('fails with Google\'s reason when the token endpoint refuses the assertion (a key Google does not know)', async () => {
    const account = google.serviceAccount('revoked');
    const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(await sendFcm({ account: { ...account, private_key: otherKey }, apiUrl: google.url }, message('unit-device-1'))).toEqual({
      outcome: 'failed',
      error: `Google refused the service account ${account.client_email} (400 invalid_grant: Invalid JWT Signature.)`,
    });
  });

  it('is a retry by the Retry-After header of a 429, and without one for a 503', async () => {
    const endpoint = { account: google.serviceAccount('busy'), apiUrl: google.url };
    google.device('unit-busy').overQuota('unit-busy').unavailable(1);
    expect(await sendFcm(endpoint, message('unit-busy'))).toEqual({ outcome: 'retry', error: 'FCM 503 UNAVAILABLE: The service is currently unavailable.', retryAfterSeconds: undefined });
    expect(await sendFcm(endpoint, message('unit-busy'))).toMatchObject({ outcome: 'retry', retryAfterSeconds: google.retryAfterSeconds });
    expect(await sendFcm(endpoint, message('unit-busy'))).toMatchObject({ outcome: 'sent' });
  });

  it('is a retry when FCM cannot be reached', async () => {
    const result = await sendFcm({ account: google.serviceAccount('offline'), apiUrl: 'http://127.0.0.1:9' }, message('unit-device-1'));
    expect(result).toMatchObject({ outcome: 'retry', error: expect.stringMatching(/^FCM unreachable/) });
  });
});

describe('APNs token exchange (Instance ID batchImport)', () => {
  it('exchanges in batches of 100, with each refused token\'s reason', async () => {
    const apns = Array.from({ length: 150 }, (_, i) => i.toString(16).padStart(64, '0'));
    apns.slice(0, 149).forEach((token, i) => google.iphone(token, `fcm-from-apns-${i}`));
    const before = google.imports.length;
    const results = await importApnsTokens({ account: google.serviceAccount('iid'), iidUrl: google.url, bundleId: 'app.arbidesk', sandbox: true }, apns);
    expect(google.imports.slice(before).map((i) => [i.application, i.sandbox, (i.apns_tokens as string[]).length])).toEqual([['app.arbidesk', true, 100], ['app.arbidesk', true, 50]]);
    expect(results[0]).toEqual({ apnsToken: apns[0], registrationToken: 'fcm-from-apns-0' });
    expect(results[149]).toEqual({ apnsToken: apns[149], error: 'the APNs token was refused: INVALID_ARGUMENT' });
  });

  it('refuses every token for another app\'s bundle id', async () => {
    google.iphone('a'.repeat(64), 'fcm-a');
    const results = await importApnsTokens({ account: google.serviceAccount('iid-bundle'), iidUrl: google.url, bundleId: 'com.other.app', sandbox: false }, ['a'.repeat(64)]);
    expect(results).toEqual([{ apnsToken: 'a'.repeat(64), error: 'the APNs token was refused: INVALID_ARGUMENT' }]);
  });
});

describe('the notification\'s words', () => {
  const row = (offer: string, reason = 'fired') => ({ alert_id: `alert-${offer}`, reason, kind: 'cap', severity: 'warning', params: { offer, used: 9, limit: 10, percent: 90 } }) as unknown as DueRow;

  it('title the heading of several alerts and cut a long body', () => {
    expect(pushText([row('A'), row('B')], 'en', 'UTC')).toEqual({ title: 'ArbiDesk: 2 alerts', body: '⚠️ Cap of “A” is close: 9 of 10 (90%)\n⚠️ Cap of “B” is close: 9 of 10 (90%)' });
    // A repeat due together with the alert's first message is told once, as the first.
    expect(pushText([row('A'), row('A', 'repeated')], 'en', 'UTC')).toEqual({ title: 'ArbiDesk', body: '⚠️ Cap of “A” is close: 9 of 10 (90%)' });
    expect(pushText([row('A', 'repeated')], 'en', 'UTC').body).toBe('🔁 Still unresolved: ⚠️ Cap of “A” is close: 9 of 10 (90%)');
    const long = pushText([row('x'.repeat(1200))], 'ru', 'UTC');
    expect(long.title).toBe('ArbiDesk');
    expect([long.body.length, long.body.endsWith('…')]).toEqual([1000, true]);
  });
});
