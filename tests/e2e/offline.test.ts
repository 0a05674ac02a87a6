import { appendFileSync, cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SupabaseClient } from '@supabase/supabase-js';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appDistDir } from '../../supabase/local/appBuild.ts';
import { startAppServer, type AppServer } from '../../supabase/local/appServer.ts';
import { closeToasts, plain, screen, shows, signInThroughUi, usd } from '../support/appDriver.ts';
import { serveTestApp } from '../support/appServer.ts';
import { cleanUpBrowserTest, deviceTimeZone, launchChromium, newAppContext } from '../support/browser.ts';
import { db, stack } from '../support/clients.ts';
import { uploadDone } from '../support/etl.ts';
import { createUser, signIn, testPassword, type TestUser } from '../support/users.ts';

const sql = db();
const clientIp = { apiUrl: stack.apiUrl, ip: '203.0.113.40' };
let app: AppServer;
let browser: Browser;
let person: TestUser;
let workspaceId: string;
/** A second person whose workspace has figures, for the summary kept on the device. */
let keeper: TestUser;
let keeperClient: SupabaseClient;
let keeperWorkspaceId: string;

const banner = (page: Page) => page.locator('.offline-banner');

const today = new Date().toISOString().slice(0, 10);
const conversions = `event_id,event_time,event_type,campaign_id,offer_id,geo,source,sub1,sub2,player_id,amount,payout,currency
k1,${today} 00:00,first_deposit,c1,o-kilo,RU,moloco,n1,cr1,p1,300,120,USD
`;
const spend = `Date,Campaign ID,Campaign,Ad Group ID,Ad Group,Creative ID,Creative,Country,Impressions,Clicks,Installs,Spend,Currency
${today},n1,RU,g1,G,cr1,C,RU,5000,250,20,40.00,USD
`;
const lateConversions = `event_id,event_time,event_type,campaign_id,offer_id,geo,source,sub1,sub2,player_id,amount,payout,currency
k2,${today} 00:00,first_deposit,c1,o-kilo,RU,moloco,n1,cr1,p2,900,500,USD
`;

const uploaded = (name: string, body: string) => uploadDone(keeperClient, keeperWorkspaceId, name, body);

/** Today's profit as the metrics RPC computes it. */
async function profitToday(): Promise<number> {
  const { data, error } = await keeperClient.rpc('metrics', { workspace: keeperWorkspaceId, date_from: today, date_to: today, group_by: [] });
  if (error) throw error;
  const [totals] = data as { profit: number }[];
  if (!totals) throw new Error('no totals row');
  return totals.profit;
}

const money = (value: number) => usd(value, 'en');
const shownProfit = async (page: Page) => plain(await screen(page, 'summary').locator('[data-kpi="profit"] .kpi-value').innerText());

/** Every clock time ("09:41 AM") from `from` to `to`, as the app writes the time of kept figures (in the device's zone). */
function clockTimes(from: number, to: number): string[] {
  const clock = new Intl.DateTimeFormat('en', { hour: '2-digit', minute: '2-digit', timeZone: deviceTimeZone });
  const times = new Set<string>();
  for (let moment = from; moment < to + 60_000; moment += 60_000) times.add(plain(clock.format(Math.min(moment, to))));
  return [...times];
}

beforeAll(async () => {
  [app, browser] = await Promise.all([serveTestApp(stack), launchChromium()]);
  person = await createUser(sql, 'offline');
  const [row] = await sql<{ id: string }[]>`insert into public.workspaces (name, created_by) values ('Delta Apps', ${person.id}) returning id`;
  if (!row) throw new Error('no workspace');
  workspaceId = row.id;
  await sql`insert into public.workspace_members (workspace_id, user_id, role) values (${workspaceId}, ${person.id}, 'media_buyer')`;

  keeper = await createUser(sql, 'offline-keeper');
  const [kept] = await sql<{ id: string }[]>`insert into public.workspaces (name, created_by) values ('Echo Apps', ${keeper.id}) returning id`;
  if (!kept) throw new Error('no workspace');
  keeperWorkspaceId = kept.id;
  await sql`insert into public.workspace_members (workspace_id, user_id, role) values (${keeperWorkspaceId}, ${keeper.id}, 'media_buyer')`;
  await sql`update public.profiles set time_zone = 'UTC' where user_id = ${keeper.id}`;
  keeperClient = await signIn(keeper, clientIp.ip);
  await uploaded('tw-conversions.csv', conversions);
  await uploaded('moloco-spend.csv', spend);
}, 120_000);

afterAll(async () => {
  if (keeper) await sql`delete from auth.users where id = ${keeper.id}`;
  await cleanUpBrowserTest({ browser, app, sql, workspaceIds: [workspaceId, keeperWorkspaceId], personId: person?.id });
});

describe('when the backend is unreachable', () => {
  it('says so, and loads what it missed by itself once the backend is back', async () => {
    const context = await newAppContext(browser, { device: 'phone', locale: 'ru-RU', clientIp });
    const page = await context.newPage();
    await signInThroughUi(page, person, app.url, testPassword);
    await shows(screen(page, 'summary').getByText('Данных пока нет'));
    // A device that kept no summary: the screen says what did not load.
    await page.evaluate(() => {
      for (const key of Object.keys(localStorage)) if (key.startsWith('arbidesk.summary.')) localStorage.removeItem(key);
    });

    await page.route(`${stack.apiUrl}/**`, (route) => route.abort('connectionrefused'));
    await page.reload();
    await shows(banner(page).getByText('Нет связи с сервером. Переподключаемся автоматически…'));
    await shows(screen(page, 'summary').getByText('Не загрузилось'), 20_000);
    // The banner alone says it: no toast repeats the same failure.
    const toasts = await page.locator('ion-toast').evaluateAll((shown) => shown.map((toast) => String((toast as HTMLElement & { message?: unknown }).message ?? '')));
    expect(toasts.filter((message) => message.startsWith('Нет связи с сервером'))).toEqual([]);

    await page.unrouteAll();
    await banner(page).waitFor({ state: 'detached', timeout: 20_000 });
    await shows(screen(page, 'summary').getByText('Данных пока нет'));
    await shows(screen(page, 'summary').getByText('Delta Apps · Медиабайер'));
    await context.close();
  }, 60_000);

  it('follows the browser going offline and online', async () => {
    const context = await newAppContext(browser, { device: 'tablet', locale: 'en-US', clientIp });
    const page = await context.newPage();
    await signInThroughUi(page, person, app.url, testPassword);
    await context.setOffline(true);
    await shows(banner(page).getByText('No connection to the server. Reconnecting by itself…'));
    await context.setOffline(false);
    await banner(page).waitFor({ state: 'detached', timeout: 20_000 });
    await context.close();
  }, 60_000);
});

describe('the service worker', () => {
  it('keeps the app shell available offline', async () => {
    const context = await newAppContext(browser, { device: 'phone', locale: 'en-US', serviceWorkers: 'allow' });
    const page = await context.newPage();
    await page.goto(app.url);
    await shows(screen(page, 'sign-in'));
    await page.waitForFunction(() => navigator.serviceWorker.controller?.state === 'activated');

    await context.setOffline(true);
    await page.reload();
    await shows(screen(page, 'sign-in').getByText('Sign in', { exact: true }).first());
    await shows(banner(page));
    await context.setOffline(false);
    await context.close();
  }, 60_000);

  it('opens a signed-in phone on the summary it kept, marked offline with its time, and refreshes once back online', async () => {
    // The phone's clock is in Vladivostok; the person's zone (their profile) is UTC. Offline, with
    // no profile to ask, the kept figures and their stamp stay in the person's zone.
    const context = await newAppContext(browser, { device: 'phone', locale: 'en-US', clientIp, serviceWorkers: 'allow', timezoneId: 'Asia/Vladivostok' });
    const page = await context.newPage();
    const summary = screen(page, 'summary');
    const offlineNote = summary.locator('[data-note="offline"]');
    const fetchedFrom = Date.now();
    await signInThroughUi(page, keeper, app.url, testPassword);
    const before = await profitToday();
    await expect.poll(() => shownProfit(page), { timeout: 20_000 }).toBe(money(before));
    await page.waitForFunction(() => navigator.serviceWorker.controller?.state === 'activated');

    const fetchedBy = Date.now();
    await context.setOffline(true);
    await page.reload();
    await shows(offlineNote);
    await shows(banner(page).getByText('No connection to the server. Reconnecting by itself…'));
    await shows(summary.getByText('Echo Apps · Media buyer'));
    expect(await shownProfit(page)).toBe(money(before));
    const asOf = plain(await offlineNote.innerText());
    // The stamp names the zone the kept figures were counted in.
    expect(clockTimes(fetchedFrom, fetchedBy).map((time) => `Offline: figures as of ${time} (UTC)`)).toContain(asOf);
    await shows(summary.locator('.latest-load').getByText('moloco-spend.csv'));

    // A load finishes while the phone is offline; back online, the summary shows its numbers.
    await uploaded('tw-late.csv', lateConversions);
    const after = await profitToday();
    expect(after).not.toBe(before);
    await context.setOffline(false);
    await expect.poll(() => shownProfit(page), { timeout: 30_000 }).toBe(money(after));
    await offlineNote.waitFor({ state: 'detached', timeout: 10_000 });
    await banner(page).waitFor({ state: 'detached', timeout: 10_000 });
    await shows(summary.locator('.latest-load').getByText('tw-late.csv'));
    await context.close();
  }, 90_000);

  it('offers a newly deployed version and switches to it when asked', async () => {
    // A copy of the build, so "deploying" a new service worker does not touch app/dist.
    const dist = mkdtempSync(join(tmpdir(), 'arbidesk-dist-'));
    cpSync(appDistDir, dist, { recursive: true });
    const deployed = await startAppServer({ api: { apiUrl: stack.apiUrl, anonKey: stack.anonKey }, distDir: dist });
    const context = await newAppContext(browser, { device: 'phone', locale: 'en-US', serviceWorkers: 'allow' });
    try {
      const page = await context.newPage();
      await page.goto(deployed.url);
      await shows(screen(page, 'sign-in'));
      await page.waitForFunction(() => navigator.serviceWorker.controller?.state === 'activated');
      const firstWorker = await page.evaluate(async () => (await navigator.serviceWorker.ready).active?.scriptURL);

      appendFileSync(join(dist, 'sw.js'), '\n// next release\n');
      await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.update());
      await shows(page.locator('ion-toast').getByText('A new version of ArbiDesk is ready.'), 20_000);
      await page.locator('ion-toast').getByText('Reload').click();
      await page.waitForEvent('load');
      await shows(screen(page, 'sign-in'));
      const state = await page.evaluate(async () => {
        const registration = await navigator.serviceWorker.getRegistration();
        return { waiting: registration?.waiting ?? null, active: registration?.active?.state, url: registration?.active?.scriptURL };
      });
      expect(state).toEqual({ waiting: null, active: 'activated', url: firstWorker });
      await closeToasts(page);
    } finally {
      await context.close();
      await deployed.close();
      rmSync(dist, { recursive: true, force: true });
    }
  }, 60_000);
});
