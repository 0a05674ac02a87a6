import type { SupabaseClient } from '@supabase/supabase-js';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppServer } from '../../supabase/local/appServer.ts';
import { screen, shows, signInThroughUi } from '../support/appDriver.ts';
import { serveTestApp } from '../support/appServer.ts';
import { seriousAxeViolations } from '../support/axe.ts';
import { cleanUpBrowserTest, launchChromium, newAppContext, type AppContextOptions } from '../support/browser.ts';
import { db, stack } from '../support/clients.ts';
import { uploadDone } from '../support/etl.ts';
import { createUser, signIn, testPassword, type TestUser } from '../support/users.ts';

/**
 * Every screen at the summary's level while the backend is out of reach: what was kept shows,
 * marked offline, or the screen says plainly that it needs a connection, and only the banner
 * says the connection is gone (no toast repeating it).
 */
const sql = db();
const clientIp = { apiUrl: stack.apiUrl, ip: '203.0.113.46' };
let app: AppServer;
let browser: Browser;
let person: TestUser;
let client: SupabaseClient;
let workspaceId: string;

// A fixed past day: the figures are only there to be kept, whatever today is.
const conversions = `event_id,event_time,event_type,campaign_id,offer_id,geo,source,sub1,sub2,player_id,amount,payout,currency
q1,2026-03-02 10:00,first_deposit,c1,o-quebec,RU,moloco,n1,cr1,p1,300,120,USD
q2,2026-03-02 11:00,first_deposit,c1,o-quebec,KZ,moloco,n1,cr1,p2,200,80,USD
`;

const banner = (page: Page) => page.locator('.offline-banner');
const apiDown = (page: Page) => page.route(`${stack.apiUrl}/**`, (route) => route.abort('connectionrefused'));

beforeAll(async () => {
  [app, browser] = await Promise.all([serveTestApp(stack), launchChromium()]);
  person = await createUser(sql, 'offline-screens');
  const [row] = await sql<{ id: string }[]>`insert into public.workspaces (name, created_by) values ('Quebec Apps', ${person.id}) returning id`;
  if (!row) throw new Error('no workspace');
  workspaceId = row.id;
  await sql`insert into public.workspace_members (workspace_id, user_id, role) values (${workspaceId}, ${person.id}, 'media_buyer')`;
  await sql`update public.profiles set time_zone = 'UTC' where user_id = ${person.id}`;
  await sql`insert into public.offers (workspace_id, code, name) values (${workspaceId}, 'QB-1', 'Quebec casino')`;
  client = await signIn(person, clientIp.ip);
  await uploadDone(client, workspaceId, 'tw-quebec.csv', conversions);
}, 120_000);

afterAll(() => cleanUpBrowserTest({ browser, app, sql, workspaceIds: [workspaceId], personId: person?.id }));

async function signedIn(device: AppContextOptions['device'], locale: string): Promise<Page> {
  const context = await newAppContext(browser, { device, locale, clientIp });
  const page = await context.newPage();
  await signInThroughUi(page, person, app.url, testPassword);
  await shows(screen(page, 'summary').locator('[data-kpi="profit"] .kpi-value'), 20_000);
  return page;
}

/** What the banner says, as a toast would word it (errors.network): no toast may repeat it. */
const sameFailure = /Нет связи с сервером|No connection to the server/;

/** Over `ms`, no toast says the connection is gone: the banner alone does. */
async function noOfflineToastFor(page: Page, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const toasts = await page.locator('ion-toast').evaluateAll((shown) => shown.map((toast) => String((toast as HTMLElement & { message?: unknown }).message ?? '')));
    expect(toasts.filter((message) => sameFailure.test(message))).toEqual([]);
    await page.waitForTimeout(250);
  }
}

describe.each([
  ['phone', 'ru-RU'],
  ['tablet', 'en-US'],
] as const)('offline on a %s (%s)', (device, locale) => {
  const ru = locale === 'ru-RU';

  it('a period switched to offline shows what is kept for it or says it is not available, never endless skeletons', async () => {
    const page = await signedIn(device, locale);
    const summary = screen(page, 'summary');
    // "Yesterday" seen once online is kept; "7 days" never was.
    await summary.locator('[data-period="yesterday"]').click();
    await shows(summary.locator('[data-kpi="profit"] .kpi-value'), 20_000);
    await summary.locator('[data-period="today"]').click();
    await shows(summary.locator('[data-kpi="profit"] .kpi-value'), 20_000);

    await page.context().setOffline(true);
    await shows(banner(page));
    await summary.locator('[data-period="yesterday"]').click();
    await shows(summary.locator('[data-note="offline"]'), 15_000);
    await shows(summary.locator('[data-kpi="profit"] .kpi-value'));

    await summary.locator('[data-period="week"]').click();
    await shows(summary.locator('[data-note="period-offline"]'), 15_000);
    expect(await summary.locator('[data-note="period-offline"]').innerText()).toBe(
      ru ? 'Этот период не сохранён на устройстве. Он загрузится, когда связь вернётся.' : 'This period is not kept on this device. It loads once the connection is back.',
    );
    expect(await summary.locator('.summary-skeleton').count()).toBe(0);
    expect(await seriousAxeViolations(page, summary)).toEqual([]);

    await page.context().setOffline(false);
    await summary.locator('[data-note="period-offline"]').waitFor({ state: 'detached', timeout: 30_000 });
    await shows(summary.locator('[data-kpi="profit"] .kpi-value'), 20_000);
    await page.context().close();
  }, 120_000);

  it('with the API down, a switched period shows what is kept or says it is not available, and loads once the API is back', async () => {
    const page = await signedIn(device, locale);
    const summary = screen(page, 'summary');
    await summary.locator('[data-period="yesterday"]').click();
    await shows(summary.locator('[data-kpi="profit"] .kpi-value'), 20_000);
    await summary.locator('[data-period="today"]').click();
    await shows(summary.locator('[data-kpi="profit"] .kpi-value'), 20_000);

    await apiDown(page);
    await summary.locator('[data-period="week"]').click();
    await shows(summary.locator('[data-note="period-offline"]'), 20_000);
    expect(await summary.locator('.summary-skeleton').count()).toBe(0);
    await shows(banner(page));
    await summary.locator('[data-period="yesterday"]').click();
    await shows(summary.locator('[data-note="offline"]'), 20_000);

    await page.unrouteAll();
    await summary.locator('[data-note="offline"]').waitFor({ state: 'detached', timeout: 30_000 });
    await summary.locator('[data-period="week"]').click();
    await shows(summary.locator('[data-kpi="profit"] .kpi-value'), 20_000);
    await page.context().close();
  }, 120_000);

  it('Analytics keeps the last table it showed, marked offline, and Offers keeps its workspace and list', async () => {
    const page = await signedIn(device, locale);
    await page.goto(`${app.url}/app/analytics`);
    const analytics = screen(page, 'analytics');
    await shows(analytics.locator('table.analytics-table'), 20_000);
    const tableText = await analytics.locator('table.analytics-table').innerText();
    await page.goto(`${app.url}/app/offers`);
    const offers = screen(page, 'offers');
    await shows(offers.locator('tr[data-code="QB-1"]'), 20_000);

    await apiDown(page);
    await page.goto(`${app.url}/app/analytics`);
    await shows(banner(page), 20_000);
    await shows(analytics.locator('table.analytics-table'), 20_000);
    expect(await analytics.locator('table.analytics-table').innerText()).toBe(tableText);
    await shows(analytics.locator('[data-note="offline"]'), 20_000);
    expect(await analytics.locator('[data-note="offline"]').innerText()).toMatch(ru ? /^Нет связи: данные на / : /^Offline: figures as of /);
    await shows(page.getByText('Quebec Apps').first());
    expect(await seriousAxeViolations(page, analytics)).toEqual([]);

    await page.goto(`${app.url}/app/offers`);
    await shows(offers.locator('tr[data-code="QB-1"]'), 20_000);
    await shows(offers.locator('[data-note="offline"]'), 20_000);
    expect(await offers.getByText(ru ? 'Нет рабочего пространства' : 'No workspace').count()).toBe(0);
    expect(await seriousAxeViolations(page, offers)).toEqual([]);
    await page.context().close();
  }, 120_000);

  it('Analytics with nothing kept says it needs a connection', async () => {
    const page = await signedIn(device, locale);
    await apiDown(page);
    await page.goto(`${app.url}/app/analytics`);
    const analytics = screen(page, 'analytics');
    await shows(analytics.locator('[data-note="needs-connection"]'), 30_000);
    await page.context().close();
  }, 120_000);

  it('says the connection is gone once, in the banner, without a toast repeating it', async () => {
    const page = await signedIn(device, locale);
    await apiDown(page);
    await page.reload();
    await shows(banner(page), 20_000);
    await noOfflineToastFor(page, 8_000);
    await page.context().close();
  }, 60_000);
});
