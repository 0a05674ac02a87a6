import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, CDPSession, Page } from 'playwright-core';
import type { Sql } from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppServer } from '../../supabase/local/appServer.ts';
import { startStack, type Stack } from '../../supabase/local/stack.ts';
import { closeToasts, plain, screen, shows, signInThroughUi, toastMessage } from '../support/appDriver.ts';
import { serveTestApp } from '../support/appServer.ts';
import { seriousAxeViolations } from '../support/axe.ts';
import { launchChromium, newAppContext, type devices } from '../support/browser.ts';
import { freePort } from '../support/globalSetup.ts';
import { PushServiceFake } from '../support/pushServiceFake.ts';
import { PushSubscriber } from '../support/pushSubscriber.ts';
import { createUser, testPassword, type TestUser } from '../support/users.ts';

/**
 * Web Push in a real Chromium (#15): the app's own service worker gets the push the notify
 * function sent for a failed load (taken from a local push service and decrypted with the
 * subscription's keys, as the browser would) and shows it (title, body, the load's link); the
 * profile's "Notifications on this device" explains each state in Russian and English on a
 * phone and a tablet, lists the person's devices and removes one. Chromium's PushManager
 * subscribes through Google's push service, which cannot be reached from here: the push is
 * delivered to the worker through the DevTools protocol (ServiceWorker.deliverPushMessage), as
 * DevTools' own "Push" button does. A stack of its own, whose functions post to the stand-in.
 */
const push = new PushServiceFake();
let own: Stack;
let dataDir: string;
let sql: Sql;
let clientIp: { apiUrl: string; ip: string };
const timeZone = 'Asia/Vladivostok';
let app: AppServer;
let browser: Browser;
let person: TestUser;
let workspaceId = '';

async function openProfile(options: { device: keyof typeof devices; language: 'ru' | 'en'; serviceWorkers?: 'allow' | 'block'; userAgent?: string; setup?: (context: BrowserContext, page: Page) => Promise<void> }): Promise<Page> {
  await sql`update public.profiles set locale = ${options.language} where user_id = ${person.id}`;
  const context = await newAppContext(browser, { device: options.device, locale: options.language === 'ru' ? 'ru-RU' : 'en-US', clientIp, serviceWorkers: options.serviceWorkers });
  const page = await context.newPage();
  await options.setup?.(context, page);
  if (options.userAgent) {
    const cdp = await context.newCDPSession(page);
    await cdp.send('Emulation.setUserAgentOverride', { userAgent: options.userAgent, platform: 'iPhone' });
  }
  await signInThroughUi(page, person, app.url, testPassword);
  await page.goto(`${app.url}/app/profile`);
  await shows(screen(page, 'profile').locator('[data-section="push"] [data-push-state]'), 15_000);
  return page;
}

async function denyNotifications(page: Page): Promise<void> {
  const { targetInfo } = await (await page.context().newCDPSession(page)).send('Target.getTargetInfo');
  const cdp = await browser.newBrowserCDPSession();
  // Kept attached: Chromium drops a DevTools session's permission overrides when it detaches.
  await cdp.send('Browser.setPermission', { permission: { name: 'notifications' }, setting: 'denied', origin: app.url, browserContextId: targetInfo.browserContextId });
}

const section = (page: Page) => screen(page, 'profile').locator('[data-section="push"]');

/** Russian mode shows no English: only names (brands, iOS, VAPID, README) may be Latin. */
function englishWords(text: string): string[] {
  const names = new Set(['ArbiDesk', 'Chrome', 'Edge', 'Firefox', 'Safari', 'iOS', 'iPhone', 'iPad', 'VAPID', 'README', 'Web', 'Push', 'Telegram', 'Android', 'Windows', 'Asia/Vladivostok']);
  return (text.match(/[A-Za-z][A-Za-z/]+/g) ?? []).filter((word) => !names.has(word));
}

beforeAll(async () => {
  await push.start();
  dataDir = mkdtempSync(join(tmpdir(), 'arbidesk-webpush-e2e-'));
  own = await startStack({ dataDir, apiPort: 0, dbPort: await freePort(), functionSecrets: { WEB_PUSH_ORIGINS: push.origin, DENO_CERT: push.caFile } });
  sql = own.sql;
  clientIp = { apiUrl: own.apiUrl, ip: '203.0.113.231' };
  [app, browser] = await Promise.all([serveTestApp({ apiUrl: own.apiUrl, anonKey: own.keys.anonKey, vapidPublicKey: own.vapidPublicKey }), launchChromium()]);
  person = await createUser(sql, 'webpush-e2e');
  const [row] = await sql<{ id: string }[]>`insert into public.workspaces (name, created_by) values ('Push Apps', ${person.id}) returning id`;
  workspaceId = row?.id ?? '';
  await sql`insert into public.workspace_members (workspace_id, user_id, role) values (${workspaceId}, ${person.id}, 'media_buyer')`;
  await sql`update public.profiles set time_zone = ${timeZone} where user_id = ${person.id}`;
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await own?.stop();
  await push.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('Web Push in the browser', () => {
  it('the app\'s service worker shows the push the function sends for an alert, with its title, body and link', async () => {
    const page = await openProfile({
      device: 'phone', language: 'ru', serviceWorkers: 'allow',
      setup: (context) => context.grantPermissions(['notifications'], { origin: app.url }),
    });
    const cdp: CDPSession = await page.context().newCDPSession(page);
    const registrations: { registrationId: string; scopeURL: string; isDeleted: boolean }[] = [];
    cdp.on('ServiceWorker.workerRegistrationUpdated', (event: { registrations: typeof registrations }) => registrations.push(...event.registrations));
    await cdp.send('ServiceWorker.enable');
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
    await expect.poll(() => registrations.find((r) => r.scopeURL === `${app.url}/` && !r.isDeleted)?.registrationId, { timeout: 15_000 }).toBeTruthy();
    const registrationId = registrations.find((r) => r.scopeURL === `${app.url}/` && !r.isDeleted)!.registrationId;

    // Turning on asks Chromium's PushManager to subscribe, which needs Google's push service (unreachable here).
    await section(page).locator('ion-toggle').click();
    expect(await toastMessage(page, 30_000)).toMatch(/^Браузер не смог подписаться у своей службы push \(Registration failed - .+\)\./);
    expect(await section(page).locator('ion-toggle').getAttribute('data-push-state')).toBe('off');
    await closeToasts(page);

    // A load fails; the notify function pushes it to the person's browser (the stand-in's endpoint); the browser's keys read it.
    const browserKeys = new PushSubscriber();
    await sql`insert into public.push_subscriptions (user_id, kind, endpoint, p256dh, auth, platform, device_name)
      values (${person.id}, 'web', ${push.subscribe(own.vapidPublicKey)}, ${browserKeys.keys.p256dh}, ${browserKeys.keys.auth}, 'web', 'Chromium')`;
    const [load] = await sql`insert into public.etl_loads (workspace_id, source, file_name, status) values (${workspaceId}, 'tw_events', 'moloco-май.csv', 'running') returning id`;
    await sql`update public.etl_loads set status = 'failed', finished_at = now(), error_summary = 'Строка 3: нет даты' where id = ${load?.id}`;
    await expect.poll(() => push.messages.length, { timeout: 20_000, interval: 100 }).toBe(1);
    const delivered = browserKeys.decrypt(push.messages[0]!.body).toString();
    await cdp.send('ServiceWorker.deliverPushMessage', { origin: app.url, registrationId, data: delivered });

    const shown = async () => page.evaluate(async () => (await (await navigator.serviceWorker.ready).getNotifications()).map((n) => ({ title: n.title, body: n.body, tag: n.tag, data: n.data as unknown })));
    await expect.poll(shown, { timeout: 10_000 }).toHaveLength(1);
    const [notification] = await shown();
    expect(notification).toEqual({ title: 'Загрузка не удалась', body: 'Загрузка «moloco-май.csv» не удалась: Строка 3: нет даты', tag: (JSON.parse(delivered) as { tag: string }).tag, data: { url: `/app/loads/${load?.id}` } });

    // A newer push about the same alert replaces the shown notification (same tag); one that cannot be read still shows one.
    await cdp.send('ServiceWorker.deliverPushMessage', { origin: app.url, registrationId, data: delivered });
    await cdp.send('ServiceWorker.deliverPushMessage', { origin: app.url, registrationId, data: 'not json' });
    await expect.poll(async () => (await shown()).map((n) => n.title).sort(), { timeout: 10_000 }).toEqual(['ArbiDesk', 'Загрузка не удалась']);
    await page.context().close();
  }, 120_000);

  it('turning on registers this browser\'s subscription (made with the project\'s key) for the person; its pushes arrive; turning off removes it', async () => {
    await sql`delete from public.push_subscriptions where user_id = ${person.id}`;
    // Google's push service cannot be reached, so PushManager answers as it would with a subscription
    // at the local push service, whose keys the test holds; everything else is the browser's own.
    const browserKeys = new PushSubscriber();
    const endpoint = push.subscribe(own.vapidPublicKey);
    const page = await openProfile({
      device: 'tablet', language: 'en', serviceWorkers: 'allow',
      setup: async (context) => {
        await context.grantPermissions(['notifications'], { origin: app.url });
        await context.addInitScript(({ endpoint, p256dh, auth }) => {
          const bytes = (text: string) => Uint8Array.from(atob(text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4)), (c) => c.charCodeAt(0)).buffer;
          let current: PushSubscription | null = null;
          const record = window as unknown as { subscribedWith?: string };
          PushManager.prototype.getSubscription = async () => current;
          PushManager.prototype.subscribe = async (options?: PushSubscriptionOptionsInit) => {
            const key = new Uint8Array(options?.applicationServerKey as ArrayBuffer);
            record.subscribedWith = btoa(String.fromCharCode(...key)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
            current = {
              endpoint, expirationTime: null, options: { applicationServerKey: key.buffer, userVisibleOnly: true },
              getKey: (name: PushEncryptionKeyName) => bytes(name === 'p256dh' ? p256dh : auth),
              unsubscribe: async () => ((current = null), true),
              toJSON: () => ({ endpoint, keys: { p256dh, auth } }),
            } as unknown as PushSubscription;
            return current;
          };
        }, { endpoint, ...browserKeys.keys });
      },
    });
    expect(await section(page).locator('[data-push-state]').getAttribute('data-push-state')).toBe('off');
    await section(page).locator('ion-toggle').click();
    expect(await toastMessage(page)).toBe('Notifications are on for this device.');
    await closeToasts(page);
    expect(await page.evaluate(() => (window as unknown as { subscribedWith?: string }).subscribedWith)).toBe(own.vapidPublicKey);
    await expect.poll(() => section(page).locator('ion-toggle').getAttribute('data-push-state')).toBe('on');
    expect(await sql`select kind, endpoint, p256dh, auth, platform, device_name from public.push_subscriptions where user_id = ${person.id}`)
      .toEqual([{ kind: 'web', endpoint, ...browserKeys.keys, platform: 'web', device_name: 'Chrome · Linux' }]);
    expect(plain(await section(page).locator('[data-push-device="web"]').innerText())).toContain('Chrome · Linux · this device');
    expect(await seriousAxeViolations(page, section(page))).toEqual([]);

    // A failed load now reaches this browser's subscription.
    const pushed = push.messages.length;
    await sql`insert into public.etl_loads (workspace_id, source, file_name, status, finished_at, error_summary) values (${workspaceId}, 'tw_events', 'on.csv', 'running', null, null)`;
    await sql`update public.etl_loads set status = 'failed', finished_at = now(), error_summary = 'x' where workspace_id = ${workspaceId} and file_name = 'on.csv'`;
    await expect.poll(() => push.messagesTo(endpoint).length, { timeout: 20_000, interval: 100 }).toBe(1);
    expect(JSON.parse(browserKeys.decrypt(push.messagesTo(endpoint)[0]!.body).toString())).toMatchObject({ title: 'Load failed', body: 'The load of “on.csv” failed: x' });
    expect(push.messages.length).toBe(pushed + 1);

    await section(page).locator('ion-toggle').click();
    expect(await toastMessage(page)).toBe('Notifications are off for this device.');
    await expect.poll(() => section(page).locator('ion-toggle').getAttribute('data-push-state')).toBe('off');
    expect(await sql`select id from public.push_subscriptions where user_id = ${person.id}`).toEqual([]);
    await page.context().close();
  }, 120_000);

  it('explains each state in Russian and English on a phone and a tablet, lists the devices and removes one', async () => {
    await sql`delete from public.push_subscriptions where user_id = ${person.id}`;
    await sql`insert into public.push_subscriptions (user_id, kind, endpoint, p256dh, auth, platform, device_name, created_at, last_sent_at) values
      (${person.id}, 'web', 'https://fcm.googleapis.com/fcm/send/e2e-laptop', ${new PushSubscriber().keys.p256dh}, ${new PushSubscriber().keys.auth}, 'web', 'Firefox · Windows', '2026-05-03T22:00:00Z', '2026-05-04T06:00:00Z'),
      (${person.id}, 'fcm', 'e2e-fcm-token-of-an-android-phone', null, null, 'android', null, '2026-05-01T10:00:00Z', null)`;
    const cases = [
      { device: 'phone', language: 'ru', state: 'off', serviceWorkers: 'allow' },
      { device: 'tablet', language: 'en', state: 'off', serviceWorkers: 'allow' },
      { device: 'phone', language: 'en', state: 'ios-not-installed', userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1' },
      { device: 'tablet', language: 'ru', state: 'ios-not-installed', userAgent: 'Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1' },
      { device: 'phone', language: 'ru', state: 'denied', serviceWorkers: 'allow', deny: true },
      { device: 'tablet', language: 'en', state: 'denied', serviceWorkers: 'allow', deny: true },
      { device: 'phone', language: 'en', state: 'unsupported', noPush: true },
      { device: 'tablet', language: 'ru', state: 'unsupported', noPush: true },
    ] as const;
    const texts: Record<string, string> = {};
    for (const c of cases) {
      const page = await openProfile({
        device: c.device, language: c.language, serviceWorkers: 'serviceWorkers' in c ? c.serviceWorkers : 'block', userAgent: 'userAgent' in c ? c.userAgent : undefined,
        setup: async (context, page) => {
          if ('noPush' in c) await context.addInitScript(() => delete (window as { PushManager?: unknown }).PushManager);
          // The person once answered "Block": the browser's own permission setting for the app's origin.
          if ('deny' in c) await denyNotifications(page);
        },
      });
      const where = `${c.state} ${c.language} ${c.device}`;
      await expect.poll(() => section(page).locator('[data-push-state]').first().getAttribute('data-push-state'), { timeout: 10_000 }).toBe(c.state);
      await shows(section(page).locator('[data-push-device]'));
      const text = plain(await section(page).innerText());
      texts[`${c.state} ${c.language}`] = text;
      if (c.language === 'ru') expect(englishWords(text), where).toEqual([]);
      // Every time says its zone: the person's, not the device's (UTC).
      expect(text, where).toContain(c.language === 'ru' ? 'Последнее уведомление: 4 мая, 16:00 (Asia/Vladivostok)' : 'Last notification: May 4, 04:00 PM (Asia/Vladivostok)');
      expect(await seriousAxeViolations(page, section(page)), where).toEqual([]);
      await page.context().close();
    }
    expect(texts['ios-not-installed en']).toContain('Add to Home Screen');
    expect(texts['ios-not-installed ru']).toContain('Выберите «На экран „Домой“», затем «Добавить»');
    expect(texts['denied en']).toContain('Notifications → Allow');
    expect(texts['off ru']).toContain('Оповещения уведомлениями на этом устройстве');
    expect(texts['unsupported en']).toContain('This browser cannot show notifications');

    const page = await openProfile({ device: 'phone', language: 'en' });
    await section(page).locator('[data-push-device="web"] ion-button').click();
    expect(await toastMessage(page)).toBe('The device no longer receives notifications.');
    expect(await sql`select kind from public.push_subscriptions where user_id = ${person.id}`).toEqual([{ kind: 'fcm' }]);
    await expect.poll(() => section(page).locator('[data-push-device]').count()).toBe(1);
    expect(plain(await section(page).locator('[data-push-device]').innerText())).toContain('Android app');
    await page.context().close();
  }, 300_000);
});
