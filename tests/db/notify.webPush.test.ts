import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import ws from 'ws';
import { webPush, webPushSettings } from '../../functions/notify/webPush.ts';
import type { DueRow } from '../../functions/notify/deliver.ts';
import { startStack, type Stack } from '../../supabase/local/stack.ts';
import { freePort } from '../support/globalSetup.ts';
import { PushServiceFake } from '../support/pushServiceFake.ts';
import { PushSubscriber } from '../support/pushSubscriber.ts';
import { createUser, testPassword, type TestUser } from '../support/users.ts';

/**
 * Alerts as Web Push (#15), end to end: a load fails → its alert → the outbox → the `notify`
 * function → an RFC 8291-encrypted, VAPID-signed POST to each browser's endpoint on a local
 * push service that checks and answers as RFC 8030 and the push services document. The test
 * holds each browser's private key and auth secret and reads the message as the browser would.
 * A stack of its own, whose functions trust the stand-in's CA and allow only its origin.
 */

const push = new PushServiceFake();
/** A second push service outside WEB_PUSH_ORIGINS: it must never be requested. */
const outside = new PushServiceFake();
let own: Stack;
let dataDir: string;
const workspace = '40000000-0000-4000-8000-0000000b3001';
const people = {} as Record<'buyer' | 'admin', TestUser>;
const browsers = { phone: new PushSubscriber(), laptop: new PushSubscriber() };
const endpoints = {} as Record<keyof typeof browsers, string>;

async function signedIn(user: TestUser): Promise<SupabaseClient> {
  const client = createClient(own.apiUrl, own.keys.anonKey, { auth: { persistSession: false }, realtime: { transport: ws as never } });
  const { error } = await client.auth.signInWithPassword({ email: user.email, password: testPassword });
  if (error) throw error;
  return client;
}

async function webRows(): Promise<{ who: string; status: string; attempts: number; last_error: string | null; later: boolean }[]> {
  return own.sql`
    select case n.user_id when ${people.buyer.id}::uuid then 'buyer' else 'admin' end as who, n.status, n.attempts, n.last_error, n.not_before > now() as later
    from public.alert_notifications n where n.workspace_id = ${workspace} and n.channel = 'web_push' order by who, n.created_at`;
}

async function failLoad(fileName: string, error: string): Promise<string> {
  const [load] = await own.sql`insert into public.etl_loads (workspace_id, source, file_name, status) values (${workspace}, 'tw_events', ${fileName}, 'running') returning id`;
  await own.sql`update public.etl_loads set status = 'failed', finished_at = now(), error_summary = ${error} where id = ${load?.id}`;
  return String(load?.id);
}

async function runDelivery(): Promise<void> {
  const response = await fetch(`${own.apiUrl}/functions/v1/notify`, { method: 'POST', headers: { authorization: `Bearer ${own.keys.serviceRoleKey}`, 'content-type': 'application/json' }, body: '{}' });
  expect(response.status).toBe(200);
}

const settled = async () => expect.poll(async () => (await webRows()).filter((r) => r.status === 'queued' && !r.later).length, { timeout: 20_000, interval: 100 }).toBe(0);

beforeAll(async () => {
  await Promise.all([push.start(), outside.start()]);
  dataDir = mkdtempSync(join(tmpdir(), 'arbidesk-webpush-'));
  own = await startStack({
    dataDir, apiPort: 0, dbPort: await freePort(),
    // The stand-in is the only push service; Deno trusts its CA as it trusts the real ones'.
    functionSecrets: { WEB_PUSH_ORIGINS: push.origin, DENO_CERT: push.caFile, VAPID_SUBJECT: 'mailto:ops@arbidesk.example' },
  });
  await own.sql`insert into public.workspaces (id, name) values (${workspace}, 'Push team')`;
  people.buyer = await createUser(own.sql, 'wp-buyer');
  people.admin = await createUser(own.sql, 'wp-admin');
  await own.sql`insert into public.workspace_members values (${workspace}, ${people.buyer.id}, 'media_buyer'), (${workspace}, ${people.admin.id}, 'admin')`;
  await own.sql`update public.profiles set locale = 'ru', time_zone = 'Europe/Moscow' where user_id = ${people.buyer.id}`;
}, 120_000);

beforeEach(async () => {
  await own.sql`delete from public.alerts where workspace_id = ${workspace}`;
  await own.sql`delete from public.push_subscriptions`;
  // The browsers subscribe with the project's public key (what the app reads from config.json) and register through the RPC.
  const buyer = await signedIn(people.buyer);
  for (const [name, browser] of Object.entries(browsers) as [keyof typeof browsers, PushSubscriber][]) {
    endpoints[name] = push.subscribe(own.vapidPublicKey);
    const { error } = await buyer.rpc('register_push_subscription', { kind: 'web', endpoint: endpoints[name], platform: 'web', ...browser.keys, device_name: `Chrome (${name})` });
    expect(error).toBeNull();
  }
  push.messages.length = 0;
  push.requests.length = 0;
});

afterAll(async () => {
  await own?.stop();
  await Promise.all([push.stop(), outside.stop()]);
  rmSync(dataDir, { recursive: true, force: true });
});

describe('alerts as Web Push', () => {
  it('a failed load reaches every browser of the buyer, encrypted for each, signed with the project\'s key, worded in Russian; a person without a browser is skipped', async () => {
    const load = await failLoad('moloco-март.csv', 'Строка 7: даты 31.02.2026 не существует');
    await expect.poll(() => push.messages.length, { timeout: 20_000, interval: 100 }).toBe(2);
    const [alert] = await own.sql`select id from public.alerts where workspace_id = ${workspace}`;
    for (const name of ['phone', 'laptop'] as const) {
      const [message] = push.messagesTo(endpoints[name]);
      expect(message?.headers).toMatchObject({ ttl: String(12 * 3600), urgency: 'normal', 'content-encoding': 'aes128gcm', 'content-type': 'application/octet-stream' });
      expect(message?.headers.topic).toMatch(/^[A-Za-z0-9_-]{32}$/);
      expect(message?.claims).toMatchObject({ aud: push.origin, sub: 'mailto:ops@arbidesk.example' });
      const payload = JSON.parse(browsers[name].decrypt(message!.body).toString()) as Record<string, unknown>;
      expect(payload).toEqual({
        title: 'Загрузка не удалась',
        body: 'Загрузка «moloco-март.csv» не удалась: Строка 7: даты 31.02.2026 не существует',
        url: `/app/loads/${load}`,
        tag: `alerts-${message?.headers.topic}`,
        alert_ids: [alert?.id],
      });
    }
    // Each browser got its own encryption: another's keys cannot read it.
    expect(() => browsers.phone.decrypt(push.messagesTo(endpoints.laptop)[0]!.body)).toThrow();
    await settled();
    expect((await webRows()).map((r) => `${r.who} ${r.status} ${r.last_error}`)).toEqual([
      'admin skipped No browser of this person has notifications on',
      'buyer sent null',
    ]);
    const devices = await own.sql`select device_name, last_sent_at is not null as told from public.push_subscriptions order by device_name`;
    expect(devices).toEqual([{ device_name: 'Chrome (laptop)', told: true }, { device_name: 'Chrome (phone)', told: true }]);
  }, 60_000);

  it('a browser the push service says is gone (410) is removed; when every one is gone the row is skipped', async () => {
    push.unsubscribe(endpoints.laptop);
    await failLoad('a.csv', 'x');
    await expect.poll(() => push.requests.length, { timeout: 20_000, interval: 100 }).toBe(2);
    await settled();
    expect(push.messagesTo(endpoints.phone)).toHaveLength(1);
    expect(await own.sql`select device_name from public.push_subscriptions`).toEqual([{ device_name: 'Chrome (phone)' }]);
    const [buyer] = (await webRows()).filter((r) => r.who === 'buyer');
    expect(buyer?.status).toBe('sent');
    expect(buyer?.last_error).toMatch(/^Not every device: Push service 410 .*subscription expired or unsubscribed/);

    push.unsubscribe(endpoints.phone);
    await failLoad('b.csv', 'y');
    await expect.poll(async () => (await own.sql`select count(*)::int as n from public.push_subscriptions`)[0]?.n, { timeout: 20_000, interval: 100 }).toBe(0);
    await settled();
    expect((await webRows()).filter((r) => r.who === 'buyer').map((r) => r.status)).toEqual(['sent', 'skipped']);
    expect((await webRows()).at(-1)?.last_error).toMatch(/^Every browser of this person unsubscribed \(removed\)/);
  }, 60_000);

  it('429 puts the push off by its Retry-After, and the next run sends it; 413 fails for good with the reason', async () => {
    push.plan(endpoints.phone, { status: 429, retryAfter: '3' }).plan(endpoints.laptop, { status: 503 });
    await failLoad('c.csv', 'z');
    await expect.poll(async () => (await webRows()).find((r) => r.who === 'buyer')?.attempts, { timeout: 20_000, interval: 100 }).toBe(1);
    // Put off by Retry-After (3 s), not the back-off (30 s) a 5xx alone would earn.
    const [waiting] = await own.sql`select status, extract(epoch from not_before - now())::float8 as wait, last_error from public.alert_notifications
      where workspace_id = ${workspace} and user_id = ${people.buyer.id} and channel = 'web_push'`;
    expect(waiting?.status).toBe('queued');
    expect(waiting?.wait).toBeGreaterThan(0);
    expect(waiting?.wait).toBeLessThanOrEqual(3);
    expect(waiting?.last_error).toMatch(/Push service 429 .*Push service 503|Push service 503 .*Push service 429/);
    expect(push.messages).toEqual([]);

    await expect.poll(async () => (await webRows()).find((r) => r.who === 'buyer')?.later, { timeout: 10_000, interval: 200 }).toBe(false);
    await runDelivery();
    await expect.poll(() => push.messages.length, { timeout: 20_000, interval: 100 }).toBe(2);
    await settled();
    expect((await webRows()).find((r) => r.who === 'buyer')).toMatchObject({ status: 'sent', attempts: 2 });

    push.plan(endpoints.phone, { status: 413 }).plan(endpoints.laptop, { status: 413 });
    await failLoad('d.csv', 'w');
    await settled();
    const failed = (await webRows()).filter((r) => r.who === 'buyer').at(-1);
    expect(failed).toMatchObject({ status: 'failed', attempts: 1 });
    expect(failed?.last_error).toMatch(/^Push service 413 \{"code":413,"errno":999,"error":"Payload Too Large"/);
  }, 60_000);

  it('an endpoint outside WEB_PUSH_ORIGINS is never requested', async () => {
    const buyer = await signedIn(people.buyer);
    const stranger = new PushSubscriber();
    const { error } = await buyer.rpc('register_push_subscription', { kind: 'web', endpoint: outside.subscribe(own.vapidPublicKey), platform: 'web', ...stranger.keys });
    expect(error).toBeNull();
    await failLoad('e.csv', 'v');
    await expect.poll(() => push.messages.length, { timeout: 20_000, interval: 100 }).toBe(2);
    await settled();
    expect(outside.requests).toEqual([]);
    expect((await webRows()).find((r) => r.who === 'buyer')?.last_error).toBe('Not every device: The endpoint is not under a push service of WEB_PUSH_ORIGINS; it was not requested');
  }, 60_000);

  it('without VAPID keys web push is skipped with the reason, and nothing is requested', async () => {
    const settings = webPushSettings((name) => ({ WEB_PUSH_ORIGINS: push.origin })[name]);
    const [row] = await own.sql<DueRow[]>`select gen_random_uuid() as id, gen_random_uuid() as alert_id, ${workspace}::uuid as workspace_id, ${people.buyer.id}::uuid as user_id,
      'web_push' as channel, 'fired' as reason, 0 as attempts, 'load_failed' as kind, 'warning' as severity, '{}'::jsonb as params, 'firing' as alert_status, 'ru' as locale,
      'Europe/Moscow' as time_zone, null as telegram_id, null as slack_url, 'load' as subject_type, 'x' as subject_id`;
    const verdict = await own.sql.begin((tx) => webPush({ sql: own.sql, telegram: { apiUrl: '' }, slackOrigin: '', nativePush: { apiUrl: '', iidUrl: '', apnsSandbox: false }, webPush: settings }, tx, [row!]));
    expect(verdict).toEqual({ status: 'skipped', error: 'The project has no VAPID keys (VAPID_PUBLIC_KEY, VAPID_PRIVATE_KEY)' });
    expect(webPushSettings(() => undefined).vapid).toBe('The project has no VAPID keys (VAPID_PUBLIC_KEY, VAPID_PRIVATE_KEY)');
    expect(webPushSettings((name) => ({ VAPID_PUBLIC_KEY: own.vapidPublicKey, VAPID_PRIVATE_KEY: 'x', WEB_PUSH_ORIGINS: '10.0.0.1' })[name]).vapid).toMatch(/not base64url|not an origin/);
    expect(push.requests).toEqual([]);
  }, 30_000);
});
