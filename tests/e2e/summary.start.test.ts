import type { SupabaseClient } from '@supabase/supabase-js';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppServer } from '../../supabase/local/appServer.ts';
import { plain, screen, shows, signInThroughUi, usd } from '../support/appDriver.ts';
import { serveTestApp } from '../support/appServer.ts';
import { cleanUpBrowserTest, launchChromium, newAppContext } from '../support/browser.ts';
import { db, stack } from '../support/clients.ts';
import { uploadDone } from '../support/etl.ts';
import { createUser, signIn, testPassword, type TestUser } from '../support/users.ts';

const sql = db();
const clientIp = { apiUrl: stack.apiUrl, ip: '203.0.113.62' };
let app: AppServer;
let browser: Browser;
let person: TestUser;
let buyer: SupabaseClient;
/** Kilo Ads has figures; Lima Ads, the person's second workspace, has none. */
let kiloId: string;
let limaId: string;

const today = new Date().toISOString().slice(0, 10);
const conversions = `event_id,event_time,event_type,campaign_id,offer_id,geo,source,sub1,sub2,player_id,amount,payout,currency
s1,${today} 00:00,first_deposit,c1,o-sierra,RU,moloco,n1,cr1,p1,300,120,USD
`;
const spend = `Date,Campaign ID,Campaign,Ad Group ID,Ad Group,Creative ID,Creative,Country,Impressions,Clicks,Installs,Spend,Currency
${today},n1,RU,g1,G,cr1,C,RU,5000,250,20,40.00,USD
`;
/** A conversion that changes today's profit; unique each time, so a retried test uploads a new file. */
const lateConversions = () => `event_id,event_time,event_type,campaign_id,offer_id,geo,source,sub1,sub2,player_id,amount,payout,currency
s${Date.now()},${today} 00:00,first_deposit,c1,o-sierra,RU,moloco,n1,cr1,p${Date.now()},900,500,USD
`;

const uploaded = (name: string, body: string) => uploadDone(buyer, kiloId, name, body);

/** Today's profit in Kilo Ads as the metrics RPC computes it. */
async function profitToday(): Promise<number> {
  const { data, error } = await buyer.rpc('metrics', { workspace: kiloId, date_from: today, date_to: today, group_by: [] });
  if (error) throw error;
  const [totals] = data as { profit: number }[];
  if (!totals) throw new Error('no totals row');
  return totals.profit;
}

const money = (value: number) => usd(value, 'en');
const shownProfit = async (page: Page) => plain(await screen(page, 'summary').locator('[data-kpi="profit"] .kpi-value').innerText());

/**
 * Holds back the page's requests to `path` of the REST API (the metrics RPC: the summary's
 * figures) until `release`: what shows meanwhile cannot have come from them.
 */
async function holdBack(page: Page, path = 'rpc/metrics'): Promise<{ release(): void; held(): number }> {
  let release: () => void = () => undefined;
  const released = new Promise<void>((resolve) => (release = resolve));
  let held = 0;
  await page.route(`${stack.apiUrl}/rest/v1/${path}?**`, async (route) => {
    held += 1;
    await released;
    await route.continue().catch(() => undefined);
  });
  return { release, held: () => held };
}

/**
 * Notes every profit figure and workspace line the summary screen ever shows, however
 * briefly, from the first script on (`window.summaryShown`).
 */
const recordSummaryScreen = `
  window.summaryShown = [];
  new MutationObserver(() => {
    const page = document.querySelector('.ion-page[data-page="summary"]');
    if (!page) return;
    for (const part of ['[data-kpi="profit"] .kpi-value', '.toolbar-subtitle']) {
      const text = page.querySelector(part)?.textContent;
      if (text && !window.summaryShown.includes(text)) window.summaryShown.push(text);
    }
  }).observe(document, { childList: true, subtree: true, characterData: true });
`;

/** Whatever of Kilo Ads the device still keeps. */
const keptOfKilo = async (page: Page) =>
  (await page.evaluate(() => Object.entries(localStorage).filter(([key]) => key.startsWith('arbidesk.summary.')))).filter(
    ([key, value]) => key.includes(kiloId) || value.includes(kiloId),
  );

const summaryShown = async (page: Page) => (await page.evaluate(() => (window as unknown as { summaryShown: string[] }).summaryShown)).map(plain);

/** Signs in on a fresh phone and waits for Kilo Ads' summary with the RPC's profit: the device now keeps it. */
async function phoneThatSawKilo(): Promise<{ context: BrowserContext; page: Page }> {
  const context = await newAppContext(browser, { device: 'phone', locale: 'en-US', clientIp });
  const page = await context.newPage();
  await signInThroughUi(page, person, app.url, testPassword);
  const profit = await profitToday();
  await expect.poll(() => shownProfit(page), { timeout: 20_000 }).toBe(money(profit));
  await shows(screen(page, 'summary').getByText('Kilo Ads · Media buyer'));
  return { context, page };
}

beforeAll(async () => {
  [app, browser] = await Promise.all([serveTestApp(stack), launchChromium()]);
  person = await createUser(sql, 'summary-start');
  const [kilo] = await sql<{ id: string }[]>`insert into public.workspaces (name, created_by) values ('Kilo Ads', ${person.id}) returning id`;
  const [lima] = await sql<{ id: string }[]>`insert into public.workspaces (name, created_by) values ('Lima Ads', ${person.id}) returning id`;
  if (!kilo || !lima) throw new Error('no workspace');
  kiloId = kilo.id;
  limaId = lima.id;
  await sql`insert into public.workspace_members (workspace_id, user_id, role) values (${kiloId}, ${person.id}, 'media_buyer'), (${limaId}, ${person.id}, 'media_buyer')`;
  await sql`update public.profiles set time_zone = 'UTC' where user_id = ${person.id}`;
  buyer = await signIn(person, clientIp.ip);
  await uploaded('tw-conversions.csv', conversions);
  await uploaded('moloco-spend.csv', spend);
}, 120_000);

afterAll(() => cleanUpBrowserTest({ browser, app, sql, workspaceIds: [kiloId, limaId], personId: person?.id }));

describe('opening the summary on a phone that has shown it before', () => {
  it('shows the kept numbers at once, marked as updating with their time, then the metrics RPC’s fresh ones', async () => {
    const { context, page: first } = await phoneThatSawKilo();
    const kept = await profitToday();
    // The app is closed (an open one would follow the upload live); a load finishes meanwhile.
    await first.close();
    await uploaded('tw-late.csv', lateConversions());
    const fresh = await profitToday();
    expect(fresh).not.toBe(kept);

    const page = await context.newPage();
    const metrics = await holdBack(page);
    const workspaceList = await holdBack(page, 'workspace_members');
    await page.goto(`${app.url}/app/summary`);
    const summary = screen(page, 'summary');
    const updating = summary.locator('[data-note="updating"]');
    await shows(updating);
    expect(plain(await updating.innerText())).toMatch(/^Updating… figures as of \d{1,2}:\d{2}( [AP]M)? \([A-Za-z_/ ]+\)$/);
    expect(await shownProfit(page)).toBe(money(kept));
    await shows(summary.getByText('Kilo Ads · Media buyer'));
    // The figures are asked for at start, without waiting for the workspace list that is held back too.
    await expect.poll(() => metrics.held()).toBeGreaterThan(0);
    expect(workspaceList.held()).toBeGreaterThan(0);

    workspaceList.release();
    metrics.release();
    await expect.poll(() => shownProfit(page), { timeout: 20_000 }).toBe(money(fresh));
    await updating.waitFor({ state: 'detached', timeout: 10_000 });
    expect(await summary.locator('[data-note="offline"]').count()).toBe(0);
    await shows(summary.locator('.latest-load').getByText('tw-late.csv'));
    await context.close();
  }, 120_000);

  it('never shows one workspace’s kept numbers when the person now opens another', async () => {
    const { context, page } = await phoneThatSawKilo();
    const keptProfit = money(await profitToday());
    // The person switches to Lima Ads from the Workspaces screen, opened directly: the summary screen is not mounted.
    await page.goto(`${app.url}/app/workspaces`);
    await screen(page, 'workspaces').getByText('Lima Ads').click();
    await expect.poll(() => page.evaluate((key) => localStorage.getItem(key), `arbidesk.workspace.${person.id}`)).toBe(limaId);

    await context.addInitScript({ content: recordSummaryScreen });
    const metrics = await holdBack(page);
    await page.goto(`${app.url}/app/summary`);
    await shows(screen(page, 'summary').getByText('Lima Ads · Media buyer'));
    metrics.release();
    await shows(screen(page, 'summary').getByText('No data yet'));
    const shown = await summaryShown(page);
    expect(shown).not.toContain(keptProfit);
    expect(shown.filter((text) => text.startsWith('Kilo Ads'))).toEqual([]);
    await context.close();
  }, 120_000);

  it('drops the kept numbers of a workspace the person has left, and the answer still on its way', async () => {
    const { context, page } = await phoneThatSawKilo();
    const keptProfit = money(await profitToday());
    await sql`delete from public.workspace_members where workspace_id = ${kiloId} and user_id = ${person.id}`;
    try {
      const metrics = await holdBack(page);
      await page.reload();
      // Before any request answers only this device can tell what Kilo Ads showed; the workspace list then says it is gone.
      await shows(screen(page, 'summary').getByText('Lima Ads · Media buyer'));
      await expect.poll(() => metrics.held()).toBeGreaterThan(0);
      metrics.release();
      await shows(screen(page, 'summary').getByText('No data yet'));
      await page.waitForTimeout(1_000);
      await shows(screen(page, 'summary').getByText('Lima Ads · Media buyer'));
      expect(await screen(page, 'summary').locator('[data-kpi]').count()).toBe(0);
      // Nothing of Kilo Ads is kept any more: the workspace the next start opens with is Lima Ads.
      expect(await keptOfKilo(page)).toEqual([]);

      // The next start has nothing of Kilo Ads to show, not even for an instant.
      await context.addInitScript({ content: recordSummaryScreen });
      await page.reload();
      await shows(screen(page, 'summary').getByText('No data yet'));
      const shown = await summaryShown(page);
      expect(shown).not.toContain(keptProfit);
      expect(shown.filter((text) => text.startsWith('Kilo Ads'))).toEqual([]);
    } finally {
      await sql`insert into public.workspace_members (workspace_id, user_id, role) values (${kiloId}, ${person.id}, 'media_buyer') on conflict do nothing`;
      await context.close();
    }
  }, 120_000);

  it('lets a workspace the person has left go quietly when the metrics RPC refuses it before the workspace list answers', async () => {
    const { context, page } = await phoneThatSawKilo();
    await sql`delete from public.workspace_members where workspace_id = ${kiloId} and user_id = ${person.id}`;
    try {
      await context.addInitScript({ content: recordSummaryScreen });
      const workspaceList = await holdBack(page, 'workspace_members');
      await page.reload();
      // Kilo Ads' kept figures show at once, then go when the RPC refuses them (42501): the person is not told of an error.
      await expect.poll(() => summaryShown(page)).toContain('Kilo Ads · Media buyer');
      await expect.poll(() => keptOfKilo(page)).toEqual([]);
      expect(await screen(page, 'summary').locator('[data-kpi]').count()).toBe(0);
      expect(await screen(page, 'summary').getByText('Kilo Ads').count()).toBe(0);
      expect(await page.locator('ion-toast:not(.overlay-hidden)').count()).toBe(0);
      expect(workspaceList.held()).toBeGreaterThan(0);

      workspaceList.release();
      await shows(screen(page, 'summary').getByText('Lima Ads · Media buyer'));
      await shows(screen(page, 'summary').getByText('No data yet'));
      expect(await page.locator('ion-toast:not(.overlay-hidden)').count()).toBe(0);
    } finally {
      await sql`insert into public.workspace_members (workspace_id, user_id, role) values (${kiloId}, ${person.id}, 'media_buyer') on conflict do nothing`;
      await context.close();
    }
  }, 120_000);

  it('asks for the chosen workspace’s figures alongside the workspace list after signing out and in again, and shows them once it answers', async () => {
    const { context, page } = await phoneThatSawKilo();
    await page.goto(`${app.url}/app/profile`);
    await screen(page, 'profile').getByText('Sign out').click();
    await page.waitForURL('**/sign-in');

    const workspaceList = await holdBack(page, 'workspace_members');
    const metrics = await holdBack(page);
    await signInThroughUi(page, person, app.url, testPassword);
    await expect.poll(() => metrics.held()).toBeGreaterThan(0);
    expect(workspaceList.held()).toBeGreaterThan(0);
    // Signing out forgot the figures: nothing shows before the list confirms the workspace is still theirs.
    expect(await screen(page, 'summary').locator('[data-kpi]').count()).toBe(0);

    workspaceList.release();
    metrics.release();
    const profit = await profitToday();
    await expect.poll(() => shownProfit(page), { timeout: 20_000 }).toBe(money(profit));
    await shows(screen(page, 'summary').getByText('Kilo Ads · Media buyer'));
    await context.close();
  }, 120_000);
});
