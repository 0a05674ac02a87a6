import type { SupabaseClient } from '@supabase/supabase-js';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppServer } from '../../supabase/local/appServer.ts';
import { plain, screen, shows, signInThroughUi, usd } from '../support/appDriver.ts';
import { serveTestApp } from '../support/appServer.ts';
import { cleanUpBrowserTest, launchChromium, newAppContext } from '../support/browser.ts';
import { db, stack } from '../support/clients.ts';
import { uploadDone } from '../support/etl.ts';
import { createUser, signIn, testPassword, type TestUser } from '../support/users.ts';
import { utcDay } from '../support/days.ts';

const sql = db();
const ip = '203.0.113.60';
const clientIp = { apiUrl: stack.apiUrl, ip };
let app: AppServer;
let browser: Browser;
let person: TestUser;
let buyer: SupabaseClient;
let workspaceId: string;

/** Calendar days in UTC, as the rollup keys them (the person's time zone is set to UTC below). */
const day = utcDay;
const today = day(0);
const yesterday = day(-1);

const conversions = `event_id,event_time,event_type,campaign_id,offer_id,geo,source,sub1,sub2,player_id,amount,payout,currency
a1,${today} 00:00,first_deposit,c1,o-alpha,RU,moloco,n1,cr1,p1,300,120,USD
b1,${today} 00:00,registration,c1,o-beta,RU,moloco,n2,cr2,p2,,2,USD
g1,${today} 00:00,first_deposit,c2,o-gamma,KZ,moloco,n3,cr3,p3,100,30,USD
e1,${today} 00:00,registration,c2,o-gamma,KZ,moloco,n3,cr3,p4,,3,EUR
a0,${yesterday} 00:00,first_deposit,c1,o-alpha,RU,moloco,n1,cr1,p5,100,60,USD
b0,${yesterday} 00:00,first_deposit,c1,o-beta,RU,moloco,n2,cr2,p6,100,50,USD
`;
const spend = `Date,Campaign ID,Campaign,Ad Group ID,Ad Group,Creative ID,Creative,Country,Impressions,Clicks,Installs,Spend,Currency
${today},n1,RU,g1,G,cr1,C,RU,5000,250,20,40.00,USD
${today},n2,RU,g2,G,cr2,C,RU,3000,120,8,25.00,USD
${today},n3,KZ,g3,G,cr3,C,KZ,1000,60,4,10.00,USD
${yesterday},n1,RU,g1,G,cr1,C,RU,4000,200,15,30.00,USD
${yesterday},n2,RU,g2,G,cr2,C,RU,2000,100,6,20.00,USD
`;
const lateConversions = `event_id,event_time,event_type,campaign_id,offer_id,geo,source,sub1,sub2,player_id,amount,payout,currency
g2,${today} 00:00,first_deposit,c2,o-gamma,KZ,moloco,n3,cr3,p7,900,500,USD
`;

interface MetricsRow {
  is_total: boolean;
  offer_id: string | null;
  spend: number;
  revenue: number;
  profit: number;
  roi: number | null;
  ftds: number;
  other_currency_rows: number;
}

async function metrics(from: string, to: string, groupBy: string[] = []): Promise<MetricsRow[]> {
  const { data, error } = await buyer.rpc('metrics', { workspace: workspaceId, date_from: from, date_to: to, group_by: groupBy });
  if (error) throw error;
  return data as MetricsRow[];
}

const uploaded = (name: string, body: string) => uploadDone(buyer, workspaceId, name, body);

const money = (value: number) => usd(value, 'ru');
const percent = (value: number, sign = false) =>
  plain(new Intl.NumberFormat('ru', { style: 'percent', maximumFractionDigits: 1, signDisplay: sign ? 'exceptZero' : 'auto' }).format(value));

async function kpi(page: Page, metric: string, part: 'value' | 'change-text'): Promise<string> {
  return plain(await screen(page, 'summary').locator(`[data-kpi="${metric}"] .kpi-${part}`).innerText());
}

/** Every KPI card shows the metrics RPC's totals for today, and the change against yesterday. */
async function expectCardsMatchRpc(page: Page): Promise<void> {
  const [now] = await metrics(today, today);
  const [before] = await metrics(yesterday, yesterday);
  if (!now || !before) throw new Error('no totals row');
  await expect.poll(() => kpi(page, 'profit', 'value'), { timeout: 15_000 }).toBe(money(now.profit));
  expect(await kpi(page, 'spend', 'value')).toBe(money(now.spend));
  expect(await kpi(page, 'revenue', 'value')).toBe(money(now.revenue));
  expect(await kpi(page, 'roi', 'value')).toBe(now.roi === null ? '—' : percent(now.roi));
  expect(await kpi(page, 'ftds', 'value')).toBe(String(now.ftds));
  expect(await kpi(page, 'spend', 'change-text')).toBe(percent((now.spend - before.spend) / Math.abs(before.spend), true));
  expect(await kpi(page, 'profit', 'change-text')).toBe(percent((now.profit - before.profit) / Math.abs(before.profit), true));
}

async function topOffer(page: Page): Promise<string | null> {
  return screen(page, 'summary').locator('[data-ranking="top"] ion-item').first().getAttribute('data-offer');
}

beforeAll(async () => {
  [app, browser] = await Promise.all([serveTestApp(stack), launchChromium()]);
  person = await createUser(sql, 'summary');
  const [row] = await sql<{ id: string }[]>`insert into public.workspaces (name, created_by) values ('Gamma Media', ${person.id}) returning id`;
  if (!row) throw new Error('no workspace');
  workspaceId = row.id;
  await sql`insert into public.workspace_members (workspace_id, user_id, role) values (${workspaceId}, ${person.id}, 'media_buyer')`;
  await sql`update public.profiles set time_zone = 'UTC' where user_id = ${person.id}`;
  buyer = await signIn(person, ip);
  await uploaded('tw-conversions.csv', conversions);
  await uploaded('moloco-spend.csv', spend);
  // The registry names o-alpha as a whole; o-beta is mapped for one link only, which does not name it.
  const [alpha] = await sql<{ id: string }[]>`insert into public.offers (workspace_id, code, name) values (${workspaceId}, 'ALPHA-RU', 'Альфа Казино') returning id`;
  const [beta] = await sql<{ id: string }[]>`insert into public.offers (workspace_id, code, name) values (${workspaceId}, 'BETA-RU', 'Бета') returning id`;
  await sql`insert into public.offer_mapping (workspace_id, offer_id, tw_offer_id, link_title) values (${workspaceId}, ${alpha?.id ?? null}, 'o-alpha', null), (${workspaceId}, ${beta?.id ?? null}, 'o-beta', 'landing 2')`;
}, 120_000);

afterAll(() => cleanUpBrowserTest({ browser, app, sql, workspaceIds: [workspaceId], personId: person?.id }));

describe('the summary on a phone (390×844)', () => {
  it('shows the metrics RPC’s numbers, the best offer and the latest load, and follows a new upload live', async () => {
    const context = await newAppContext(browser, { device: 'phone', locale: 'ru-RU', clientIp });
    const page = await context.newPage();
    await signInThroughUi(page, person, app.url, testPassword);
    const summary = screen(page, 'summary');
    await shows(summary.locator('[data-kpi="profit"]'), 20_000);

    await expectCardsMatchRpc(page);
    const byOffer = (await metrics(today, today, ['offer'])).filter((r) => !r.is_total).sort((a, b) => b.profit - a.profit);
    expect(byOffer[0]?.offer_id).toBe('o-alpha');
    expect(await topOffer(page)).toBe('o-alpha');
    // Named after the registry offer it maps to, with the TW id beneath; an unnamed one by its TW id.
    await shows(summary.locator('[data-ranking="top"] ion-item[data-offer="o-alpha"]').getByText('ALPHA-RU · Альфа Казино'));
    await shows(summary.locator('[data-ranking="top"] ion-item[data-offer="o-alpha"] .offer-tw-id').getByText('o-alpha'));
    expect(await summary.locator('[data-ranking="top"] ion-item[data-offer="o-beta"] .offer-id').first().innerText()).toBe('o-beta');
    const bottomOffer = await summary.locator('[data-ranking="bottom"] ion-item').first().getAttribute('data-offer');
    expect(bottomOffer).toBe(byOffer.at(-1)?.offer_id);
    await shows(summary.locator('.latest-load').getByText('moloco-spend.csv'));
    await shows(summary.locator('.latest-load').getByText('Готово'));
    await shows(summary.locator('[data-note="other-currencies"]').getByText('Строк в других валютах, пока не вошедших в суммы: 1', { exact: false }));

    // Yesterday: its own totals against the day before.
    await summary.locator('ion-segment-button[data-period="yesterday"]').click();
    const [then] = await metrics(yesterday, yesterday);
    await expect.poll(() => kpi(page, 'profit', 'value')).toBe(money(then?.profit ?? NaN));
    await summary.locator('ion-segment-button[data-period="today"]').click();
    await expect.poll(() => kpi(page, 'spend', 'value')).toBe(money(75));

    // A load finishing elsewhere reaches the open page without a reload.
    await page.waitForTimeout(1_000);
    await uploaded('tw-late.csv', lateConversions);
    await expect.poll(() => topOffer(page), { timeout: 15_000 }).toBe('o-gamma');
    await expectCardsMatchRpc(page);
    await shows(summary.locator('.latest-load').getByText('tw-late.csv'));
    await context.close();
  }, 120_000);
});
