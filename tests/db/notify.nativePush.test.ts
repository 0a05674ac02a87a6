import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { nativePush } from '../../functions/notify/nativePush.ts';
import type { DueRow } from '../../functions/notify/deliver.ts';
import { startStack, type Stack } from '../../supabase/local/stack.ts';
import { client } from '../support/clients.ts';
import { FcmFake } from '../support/fcmFake.ts';
import { freePort } from '../support/globalSetup.ts';
import { createUser, testPassword, type TestUser } from '../support/users.ts';

/**
 * Native push to the Capacitor app (#15), end to end: the app registers its token with
 * register_push_subscription as the signed-in person, an alert fires, the outbox's trigger asks
 * the `notify` function, which takes an OAuth token for the service account and sends through
 * FCM HTTP v1 — to a local stand-in of Google's token endpoint, FCM and Instance ID that checks
 * the signature, the token and the message, and answers with Google's documented errors. A
 * stack of its own, whose function secrets point there.
 */

const bundleId = 'app.arbidesk';
const google = new FcmFake('arbidesk-push-test', bundleId);
let own: Stack;
let dataDir: string;
const workspace = '40000000-0000-4000-8000-0000000a7001';
const people = {} as Record<'buyer' | 'admin', TestUser>;
const sessions = {} as Record<'buyer' | 'admin', SupabaseClient>;

const newToken = (prefix: string) => `${prefix}:APA91b${randomBytes(40).toString('base64url')}`;
const newApnsToken = () => randomBytes(32).toString('hex');

interface OutboxRow {
  status: string;
  attempts: number;
  last_error: string | null;
  wait_seconds: number;
}

async function nativeRow(who: 'buyer' | 'admin', alertId: string): Promise<OutboxRow | undefined> {
  const [row] = await own.sql<OutboxRow[]>`select status, attempts, last_error, round(extract(epoch from not_before - now()))::int as wait_seconds
    from public.alert_notifications where alert_id = ${alertId} and user_id = ${people[who].id} and channel = 'native_push'`;
  return row;
}

async function devices(who: 'buyer' | 'admin'): Promise<{ kind: string; endpoint: string; sent: boolean }[]> {
  return own.sql`select kind, endpoint, last_sent_at is not null as sent from public.push_subscriptions where user_id = ${people[who].id} order by created_at`;
}

async function register(who: 'buyer' | 'admin', kind: 'fcm' | 'apns', endpoint: string): Promise<void> {
  const { error } = await sessions[who].rpc('register_push_subscription', { kind, endpoint, platform: kind === 'apns' ? 'ios' : 'android', device_name: `${who}'s phone` });
  expect(error).toBeNull();
}

/** A cap alert (it reaches the buyer and the admin by their roles' defaults); answers its id. */
async function raiseCap(subject: string): Promise<string> {
  const [alert] = await own.sql<{ id: string }[]>`select (private.raise_alert(${workspace}, 'cap', 'warning', 'offer', ${subject},
    ${JSON.stringify({ offer: `Golden Fox ${subject}`, used: 96, limit: 100, percent: 96 })}::text::jsonb)).id`;
  return alert!.id;
}

async function runDelivery(): Promise<void> {
  const response = await fetch(`${own.apiUrl}/functions/v1/notify`, { method: 'POST', headers: { authorization: `Bearer ${own.keys.serviceRoleKey}`, 'content-type': 'application/json' }, body: '{}' });
  expect(response.status).toBe(200);
  await response.body?.cancel();
}

const ended = async (who: 'buyer' | 'admin', alertId: string) => (await nativeRow(who, alertId))?.status !== 'queued';
const settled = (who: 'buyer' | 'admin', alertId: string) => expect.poll(() => ended(who, alertId), { timeout: 20_000, interval: 100 }).toBe(true);

beforeAll(async () => {
  await google.start();
  const account = google.serviceAccount();
  dataDir = mkdtempSync(join(tmpdir(), 'arbidesk-fcm-'));
  own = await startStack({
    dataDir, apiPort: 0, dbPort: await freePort(),
    functionSecrets: { FIREBASE_SERVICE_ACCOUNT: JSON.stringify(account), FCM_API_URL: google.url, IID_API_URL: google.url, FCM_IOS_BUNDLE_ID: bundleId },
  });
  await own.sql`insert into public.workspaces (id, name) values (${workspace}, 'Phone team')`;
  people.buyer = await createUser(own.sql, 'fcm-buyer');
  people.admin = await createUser(own.sql, 'fcm-admin');
  await own.sql`insert into public.workspace_members values (${workspace}, ${people.buyer.id}, 'media_buyer'), (${workspace}, ${people.admin.id}, 'admin')`;
  await own.sql`update public.profiles set locale = 'ru', time_zone = 'Europe/Moscow' where user_id = ${people.buyer.id}`;
  await own.sql`update public.profiles set locale = 'en', time_zone = 'America/New_York' where user_id = ${people.admin.id}`;
  for (const who of ['buyer', 'admin'] as const) {
    sessions[who] = client(own.keys.anonKey, { apiUrl: own.apiUrl });
    const { error } = await sessions[who].auth.signInWithPassword({ email: people[who].email, password: testPassword });
    if (error) throw error;
  }
}, 120_000);

beforeEach(async () => {
  await own.sql`delete from public.alerts where workspace_id = ${workspace}`;
  await own.sql`delete from public.push_subscriptions where user_id in ${own.sql([people.buyer.id, people.admin.id])}`;
  google.delivered.length = 0;
});

afterAll(async () => {
  await own?.stop();
  await google.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('alerts on phones through FCM', () => {
  it('reaches an Android phone in the person\'s language, and an iPhone after its APNs token is exchanged for an FCM token', async () => {
    const android = newToken('android');
    const apns = newApnsToken();
    const iphone = newToken('ios');
    google.device(android).iphone(apns, iphone);
    await register('buyer', 'fcm', android);
    await register('admin', 'apns', apns);

    const alertId = await raiseCap('a1');
    await settled('buyer', alertId);
    await settled('admin', alertId);
    expect(await nativeRow('buyer', alertId)).toMatchObject({ status: 'sent', last_error: null });
    expect(await nativeRow('admin', alertId)).toMatchObject({ status: 'sent', last_error: null });

    const toBuyer = google.delivered.find((d) => d.token === android);
    expect(toBuyer?.message).toEqual({
      token: android,
      notification: { title: 'ArbiDesk', body: '⚠️ Кап «Golden Fox a1» близок: 96 из 100 (96 %)' },
      data: { url: '/app/alerts', alert_ids: alertId },
      android: { priority: 'NORMAL', collapse_key: `alert-${alertId}`, notification: { tag: `alert-${alertId}`, channel_id: 'alerts' } },
      apns: { headers: { 'apns-priority': '5', 'apns-collapse-id': `alert-${alertId}` }, payload: { aps: { sound: 'default', 'thread-id': `workspace-${workspace}` } } },
    });
    expect(google.delivered.find((d) => d.token === iphone)?.message).toMatchObject({ notification: { title: 'ArbiDesk', body: '⚠️ Cap of “Golden Fox a1” is close: 96 of 100 (96%)' } });
    expect(google.imports.at(-1)).toEqual({ application: bundleId, sandbox: false, apns_tokens: [apns] });
    // The iPhone's row now holds its FCM token; both phones show when they were last told.
    expect(await devices('admin')).toEqual([{ kind: 'fcm', endpoint: iphone, sent: true }]);
    expect(await devices('buyer')).toEqual([{ kind: 'fcm', endpoint: android, sent: true }]);
  }, 60_000);

  it('several alerts go as one notification; a critical one is sent with high priority on the critical channel', async () => {
    const android = newToken('android');
    google.device(android);
    await register('buyer', 'fcm', android);
    const ids = await own.sql.begin(async (tx) => [
      (await tx<{ id: string }[]>`select (private.raise_alert(${workspace}, 'cap', 'warning', 'offer', 'g1', '{"offer": "Lynx", "used": 81, "limit": 100, "percent": 81}')).id`)[0]!.id,
      (await tx<{ id: string }[]>`select (private.raise_alert(${workspace}, 'cap_reached', 'critical', 'offer', 'g2', '{"offer": "Puma", "used": 50, "limit": 50}')).id`)[0]!.id,
    ]);
    await settled('buyer', ids[1]!);
    const toBuyer = google.delivered.filter((d) => d.token === android);
    expect(toBuyer).toHaveLength(1);
    const message = toBuyer[0]!.message as { notification: { title: string; body: string }; data: { alert_ids: string }; android: { priority: string; notification: { channel_id: string } }; apns: { headers: Record<string, string> } };
    expect(message.notification.title).toBe('ArbiDesk: 2 оповещения');
    expect(message.notification.body.split('\n').sort()).toEqual(['⚠️ Кап «Lynx» близок: 81 из 100 (81 %)', '🔴 Кап «Puma» исчерпан: 50 из 50'].sort());
    expect(message.data.alert_ids.split(',').sort()).toEqual([...ids].sort());
    expect(message.android.priority).toBe('HIGH');
    expect(message.android.notification.channel_id).toBe('critical_alerts');
    expect(message.apns.headers['apns-priority']).toBe('10');
  }, 60_000);

  it('UNREGISTERED removes the phone; when no phone took the message it fails with the reason', async () => {
    const live = newToken('android');
    const uninstalled = newToken('android');
    const adminsOnly = newToken('android');
    google.device(live).device(uninstalled, 'unregistered').device(adminsOnly, 'unregistered');
    await register('buyer', 'fcm', live);
    await register('buyer', 'fcm', uninstalled);
    await register('admin', 'fcm', adminsOnly);

    const alertId = await raiseCap('u1');
    await settled('buyer', alertId);
    await settled('admin', alertId);
    expect(await devices('buyer')).toEqual([{ kind: 'fcm', endpoint: live, sent: true }]);
    expect(await devices('admin')).toEqual([]);
    const unregistered = 'FCM 404 UNREGISTERED: Requested entity was not found. (the device was removed)';
    expect(await nativeRow('buyer', alertId)).toMatchObject({ status: 'sent', last_error: `1 of 2 devices: ${unregistered}` });
    expect(await nativeRow('admin', alertId)).toMatchObject({ status: 'failed', last_error: unregistered });

    // With the phone gone, the next alert is skipped: nobody has a device any more.
    const next = await raiseCap('u2');
    await settled('admin', next);
    expect(await nativeRow('admin', next)).toMatchObject({ status: 'skipped', last_error: 'No phone with the app has agreed to notifications for this person' });
  }, 60_000);

  it('QUOTA_EXCEEDED (429) puts the message off by its Retry-After, 503 by the back-off; the next run sends it', async () => {
    const android = newToken('android');
    const iphone = newToken('ios');
    google.device(android).device(iphone).overQuota(android);
    await register('buyer', 'fcm', android);
    const alertId = await raiseCap('q1');
    await expect.poll(async () => (await nativeRow('buyer', alertId))?.attempts, { timeout: 20_000, interval: 100 }).toBe(1);
    const waiting = await nativeRow('buyer', alertId);
    expect(waiting).toMatchObject({ status: 'queued', last_error: 'FCM 429 QUOTA_EXCEEDED: Quota exceeded for quota metric \'Messages per minute per device\'.' });
    // Measured a moment after the delivery's transaction began: a few seconds under the wait asked for.
    expect(waiting?.wait_seconds).toBeGreaterThanOrEqual(google.retryAfterSeconds - 10);
    expect(waiting?.wait_seconds).toBeLessThanOrEqual(google.retryAfterSeconds);
    expect(google.delivered.filter((d) => d.token === android)).toEqual([]);

    await own.sql`update public.alert_notifications set not_before = now() where alert_id = ${alertId} and channel = 'native_push'`;
    await runDelivery();
    await settled('buyer', alertId);
    expect(await nativeRow('buyer', alertId)).toMatchObject({ status: 'sent', attempts: 2 });
    expect(google.delivered.filter((d) => d.token === android)).toHaveLength(1);

    // 503 without Retry-After: the outbox's back-off (30 s after a first try). Only the admin has a phone now.
    await own.sql`delete from public.push_subscriptions where user_id = ${people.buyer.id}`;
    await register('admin', 'fcm', iphone);
    google.unavailable(1);
    const next = await raiseCap('q2');
    await expect.poll(async () => (await nativeRow('admin', next))?.attempts, { timeout: 20_000, interval: 100 }).toBe(1);
    const backingOff = await nativeRow('admin', next);
    expect(backingOff?.last_error).toBe('FCM 503 UNAVAILABLE: The service is currently unavailable.');
    expect(backingOff?.wait_seconds).toBeGreaterThanOrEqual(20);
    expect(backingOff?.wait_seconds).toBeLessThanOrEqual(30);
  }, 60_000);

  it('keeps one access token across messages, and renews it once when FCM answers 401 UNAUTHENTICATED', async () => {
    const android = newToken('android');
    google.device(android);
    await register('buyer', 'fcm', android);
    const first = await raiseCap('t1');
    await settled('buyer', first);
    const grants = google.tokenGrants;
    expect(grants).toBeGreaterThanOrEqual(1);
    const second = await raiseCap('t2');
    await settled('buyer', second);
    expect(google.delivered.filter((d) => d.token === android)).toHaveLength(2);
    expect(google.tokenGrants).toBe(grants);

    google.expireAccessTokens();
    const third = await raiseCap('t3');
    await settled('buyer', third);
    expect(await nativeRow('buyer', third)).toMatchObject({ status: 'sent', attempts: 1 });
    expect(google.delivered.filter((d) => d.token === android)).toHaveLength(3);
    expect(google.tokenGrants).toBe(grants + 1);
  }, 60_000);

  it('a refused APNs token fails with the reason and stays for a fixed configuration; an iPhone that changed hands tells only its new person', async () => {
    await register('admin', 'apns', newApnsToken());
    const refused = await raiseCap('i1');
    await settled('admin', refused);
    expect(await nativeRow('admin', refused)).toMatchObject({ status: 'failed', last_error: 'the APNs token was refused: INVALID_ARGUMENT' });
    expect((await devices('admin')).map((d) => d.kind)).toEqual(['apns']);

    // The admin's iPhone, exchanged; then the buyer signs in on it and registers its APNs token again.
    await own.sql`delete from public.push_subscriptions where user_id = ${people.admin.id}`;
    const apns = newApnsToken();
    const iphone = newToken('ios');
    google.iphone(apns, iphone);
    await register('admin', 'apns', apns);
    const before = await raiseCap('i2');
    await settled('admin', before);
    expect(await devices('admin')).toEqual([{ kind: 'fcm', endpoint: iphone, sent: true }]);
    await register('buyer', 'apns', apns);
    google.delivered.length = 0;
    const after = await raiseCap('i3');
    await settled('admin', after);
    await settled('buyer', after);
    expect(await devices('admin')).toEqual([]);
    expect(await devices('buyer')).toEqual([{ kind: 'fcm', endpoint: iphone, sent: true }]);
    expect(await nativeRow('admin', after)).toMatchObject({ status: 'skipped' });
    expect(google.delivered.map((d) => (d.message.notification as { body: string }).body)).toEqual(['⚠️ Кап «Golden Fox i3» близок: 96 из 100 (96 %)']);
  }, 60_000);

  it('is skipped with the reason when the project has no Firebase service account', async () => {
    const android = newToken('android');
    google.device(android);
    await register('buyer', 'fcm', android);
    const row = { user_id: people.buyer.id, alert_id: randomBytes(16).toString('hex'), workspace_id: workspace, kind: 'cap', severity: 'warning', params: {}, locale: 'en', time_zone: 'UTC' } as unknown as DueRow;
    const verdict = await own.sql.begin((tx) => nativePush({ sql: own.sql, telegram: { apiUrl: '' }, slackOrigin: '', nativePush: { apiUrl: google.url, iidUrl: google.url, apnsSandbox: false } }, tx, [row]));
    expect(verdict).toEqual({ status: 'skipped', error: 'The project has no Firebase service account (FIREBASE_SERVICE_ACCOUNT)' });
    expect(google.delivered).toEqual([]);
  }, 60_000);
});
