import { readFile } from 'node:fs/promises';
import type { SupabaseClient } from '@supabase/supabase-js';
import { strFromU8, unzipSync } from 'fflate';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppServer } from '../../supabase/local/appServer.ts';
import { plain, screen, shows, signInThroughUi, usd } from '../support/appDriver.ts';
import { serveTestApp } from '../support/appServer.ts';
import { cleanUpBrowserTest, launchChromium, newAppContext, type AppContextOptions } from '../support/browser.ts';
import { db, stack } from '../support/clients.ts';
import { upload } from '../support/etl.ts';
import { createUser, signIn, testPassword, type TestUser } from '../support/users.ts';
import { utcDay } from '../support/days.ts';

const sql = db();
const ip = '203.0.113.61';
const clientIp = { apiUrl: stack.apiUrl, ip };
let app: AppServer;
let browser: Browser;
let person: TestUser;
let buyer: SupabaseClient;
let workspaceId: string;

/** Calendar days in UTC, as the rollup keys them (the person's time zone is UTC). */
const day = utcDay;
const [today, d1, d2] = [day(0), day(-1), day(-2)];
const last7 = { from: day(-6), to: today };

/** Three offers over RU, KZ and DE on three days; DE is what the filter leaves out. */
const conversions = `event_id,event_time,event_type,campaign_id,offer_id,geo,source,sub1,sub2,player_id,amount,payout,currency
a1,${today} 01:00,registration,c1,o-alpha,RU,moloco,n1,cr1,p1,,2,USD
a2,${today} 02:00,first_deposit,c1,o-alpha,RU,moloco,n1,cr1,p1,300,120,USD
a3,${d1} 03:00,first_deposit,c1,o-alpha,KZ,moloco,n1,cr1,p2,100,60,USD
b1,${today} 04:00,first_deposit,c2,o-beta,RU,moloco,n2,cr2,p3,150,50,USD
b2,${d2} 05:00,registration,c2,o-beta,DE,moloco,n2,cr2,p4,,3,USD
b3,${d2} 06:00,first_deposit,c2,o-beta,DE,moloco,n2,cr2,p4,500,200,USD
g1,${d1} 07:00,first_deposit,c3,o-gamma,KZ,moloco,n3,cr3,p5,80,25,USD
g2,${today} 08:00,registration,c3,o-gamma,KZ,moloco,n3,cr3,p6,,1,USD
`;
const clicks = `date,campaign_id,offer_id,geo,source,sub1,clicks,unique_clicks
${today},c1,o-alpha,RU,moloco,n1,120,100
${d1},c1,o-alpha,KZ,moloco,n1,40,35
${today},c2,o-beta,RU,moloco,n2,70,60
${d2},c2,o-beta,DE,moloco,n2,90,80
${d1},c3,o-gamma,KZ,moloco,n3,30,25
`;
const spend = `Date,Campaign ID,Campaign,Ad Group ID,Ad Group,Creative ID,Creative,Country,Impressions,Clicks,Installs,Spend,Currency
${today},n1,RU,g1,G,cr1,C,RU,5000,250,20,40.00,USD
${d1},n1,KZ,g1,G,cr1,C,KZ,2000,90,6,15.50,USD
${today},n2,RU,g2,G,cr2,C,RU,3000,120,8,25.00,USD
${d2},n2,DE,g2,G,cr2,C,DE,4000,160,10,70.00,USD
${d1},n3,KZ,g3,G,cr3,C,KZ,1000,60,4,10.00,USD
`;

interface MetricsRow {
  is_total: boolean;
  offer_id: string | null;
  geo: string | null;
  spend: number;
  clicks: number;
  registrations: number;
  ftds: number;
  revenue: number;
  profit: number;
  roi: number | null;
}

const filters = { geo: ['RU', 'KZ'] };

async function metrics(groupBy: string[], filter: Record<string, string[]> = {}): Promise<{ total: MetricsRow; rows: MetricsRow[] }> {
  const { data, error } = await buyer.rpc('metrics', { workspace: workspaceId, date_from: last7.from, date_to: last7.to, group_by: groupBy, filters: filter });
  if (error) throw error;
  const all = data as MetricsRow[];
  const total = all.find((r) => r.is_total);
  if (!total) throw new Error('no totals row');
  return { total, rows: all.filter((r) => !r.is_total) };
}

const money = (value: number) => usd(value, 'ru');
const count = (value: number) => plain(new Intl.NumberFormat('ru').format(value));
const percent = (value: number | null) => (value === null ? '—' : plain(new Intl.NumberFormat('ru', { style: 'percent', maximumFractionDigits: 1 }).format(value)));

const analytics = (page: Page) => screen(page, 'analytics');

async function cell(page: Page, row: string, metric: string): Promise<string> {
  return plain(await analytics(page).locator(`tr[data-row="${row}"] td[data-metric="${metric}"]`).innerText());
}

/** Every row the RPC returns is on screen with its spend, clicks, FTDs, profit and ROI, and so is the totals row. */
async function expectTableMatchesRpc(page: Page, groupBy: string[], filter: Record<string, string[]>): Promise<void> {
  const { total, rows } = await metrics(groupBy, filter);
  const key = (r: MetricsRow) => groupBy.map((d) => (d === 'offer' ? r.offer_id : r.geo) ?? '').join('|');
  await expect.poll(() => analytics(page).locator('tbody tr:not([data-row="total"])').count(), { timeout: 15_000 }).toBe(rows.length);
  await expect.poll(() => cell(page, 'total', 'profit')).toBe(money(total.profit));
  for (const [r, rowKey] of [...rows.map((r) => [r, key(r)] as const), [total, 'total'] as const]) {
    expect(await cell(page, rowKey, 'spend'), `${rowKey} spend`).toBe(money(r.spend));
    expect(await cell(page, rowKey, 'clicks'), `${rowKey} clicks`).toBe(count(r.clicks));
    expect(await cell(page, rowKey, 'ftds'), `${rowKey} ftds`).toBe(count(r.ftds));
    expect(await cell(page, rowKey, 'profit'), `${rowKey} profit`).toBe(money(r.profit));
    expect(await cell(page, rowKey, 'roi'), `${rowKey} roi`).toBe(percent(r.roi));
  }
}

async function openSection(page: Page, name: string): Promise<void> {
  const section = analytics(page).locator(`details[data-section="${name}"]`);
  if ((await section.getAttribute('open')) === null) await section.locator('> summary').click();
}

async function chooseGeoFilter(page: Page, values: string[]): Promise<void> {
  await openSection(page, 'filters');
  const geo = analytics(page).locator('details[data-filter="geo"]');
  await geo.locator('summary').click();
  for (const value of values) await geo.locator(`[data-filter-value="${value}"]`).click();
}

async function download(page: Page, format: 'csv' | 'xlsx'): Promise<{ name: string; body: Buffer }> {
  await openSection(page, 'export');
  const [file] = await Promise.all([page.waitForEvent('download'), analytics(page).locator(`ion-button[data-export="${format}"]`).click()]);
  const path = await file.path();
  return { name: file.suggestedFilename(), body: await readFile(path) };
}

/** A minimal CSV reader for what the app writes (RFC 4180 quoting). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  for (const line of text.replace(/^\ufeff/, '').split('\r\n').filter(Boolean)) {
    const cells = [...line.matchAll(/("(?:[^"]|"")*"|[^,]*)(,|$)/g)].slice(0, -1).map((m) => (m[1] ?? '').replace(/^"|"$/g, '').replace(/""/g, '"'));
    rows.push(cells);
  }
  return rows;
}

/** The first sheet of an .xlsx as rows of cell values: numbers as numbers, texts as texts; with the sheet's XML. */
function parseXlsx(body: Buffer): { rows: (string | number | null)[][]; sheetXml: string; stylesXml: string } {
  const files = unzipSync(new Uint8Array(body));
  const xml = (name: string) => strFromU8(files[name] ?? new Uint8Array());
  const shared = [...xml('xl/sharedStrings.xml').matchAll(/<si>([\s\S]*?)<\/si>/g)].map((m) => [...(m[1] ?? '').matchAll(/<t[^>]*>([^<]*)<\/t>/g)].map((t) => t[1]).join(''));
  const sheetXml = xml('xl/worksheets/sheet1.xml');
  const rows = [...sheetXml.matchAll(/<row[^>]*>([\s\S]*?)<\/row>/g)].map((row) => {
    const cells: (string | number | null)[] = [];
    for (const c of (row[1] ?? '').matchAll(/<c r="([A-Z]+)\d+"([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g)) {
      const column = [...(c[1] ?? '')].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0) - 1;
      const type = /t="(\w+)"/.exec(c[2] ?? '')?.[1];
      const value = /<v>([^<]*)<\/v>/.exec(c[3] ?? '')?.[1];
      const inline = /<t[^>]*>([^<]*)<\/t>/.exec(c[3] ?? '')?.[1];
      cells[column] = type === 's' ? (shared[Number(value)] ?? null) : type === 'inlineStr' || type === 'str' ? (inline ?? value ?? null) : value === undefined ? null : Number(value);
    }
    return Array.from(cells, (v) => v ?? null);
  });
  return { rows, sheetXml, stylesXml: xml('xl/styles.xml') };
}

const header = ['Оффер', 'GEO', 'Расход', 'Клики', 'Регистрации', 'FTD', 'Доход', 'Прибыль', 'ROI'];
const numbersOf = (r: MetricsRow) => [r.spend, r.clicks, r.registrations, r.ftds, r.revenue, r.profit, r.roi];

/** The file's rows are the RPC's (in the table's order: profit, highest first), the totals row last, numbers as numbers. */
function expectFileMatchesRpc(rows: (string | number | null)[][], expected: { total: MetricsRow; rows: MetricsRow[] }): void {
  expect(rows[0]).toEqual(header);
  const sorted = [...expected.rows].sort((a, b) => b.profit - a.profit);
  expect(rows).toHaveLength(sorted.length + 2);
  sorted.forEach((r, i) => {
    const line = rows[i + 1] ?? [];
    expect(line.slice(0, 2)).toEqual([r.offer_id ?? '(нет)', r.geo ?? '(нет)']);
    line.slice(2).forEach((v, j) => expect(v === null ? null : Number(v), `${r.offer_id}|${r.geo} ${header[j + 2]}`).toBeCloseTo(numbersOf(r)[j] ?? NaN, 6));
  });
  const last = rows.at(-1) ?? [];
  expect(last[0]).toBe('Итого');
  last.slice(2).forEach((v, j) => expect(Number(v), `total ${header[j + 2]}`).toBeCloseTo(numbersOf(expected.total)[j] ?? NaN, 6));
}

async function openAnalytics(device: AppContextOptions['device']): Promise<Page> {
  const context = await newAppContext(browser, { device, locale: 'ru-RU', clientIp });
  const page = await context.newPage();
  await signInThroughUi(page, person, app.url, testPassword);
  await page.goto(`${app.url}/app/analytics`);
  await shows(analytics(page).locator('table.analytics-table'), 20_000);
  return page;
}

beforeAll(async () => {
  [app, browser] = await Promise.all([serveTestApp(stack), launchChromium()]);
  person = await createUser(sql, 'analytics');
  const [row] = await sql<{ id: string }[]>`insert into public.workspaces (name, created_by) values ('Delta Traffic', ${person.id}) returning id`;
  if (!row) throw new Error('no workspace');
  workspaceId = row.id;
  await sql`insert into public.workspace_members (workspace_id, user_id, role) values (${workspaceId}, ${person.id}, 'media_buyer')`;
  await sql`update public.profiles set time_zone = 'UTC' where user_id = ${person.id}`;
  buyer = await signIn(person, ip);
  for (const [name, body] of [['tw-conversions.csv', conversions], ['tw-clicks.csv', clicks], ['moloco-spend.csv', spend]] as const) {
    const { body: answer } = await upload(buyer, workspaceId, name, body);
    if (answer.load.status !== 'done') throw new Error(`${name}: ${answer.load.status} ${answer.load.error_summary ?? ''}`);
  }
}, 120_000);

afterAll(() => cleanUpBrowserTest({ browser, app, sql, workspaceIds: [workspaceId], personId: person?.id }));

describe('analytics on a tablet (1024×768)', () => {
  it('groups by offer and GEO with a filter as the RPC does, keeps the selection in a preset, and exports CSV and XLSX', async () => {
    const page = await openAnalytics('tablet');
    await expectTableMatchesRpc(page, ['offer'], {});

    await openSection(page, 'layout');
    await analytics(page).locator('[data-option="group:geo"]').click();
    await chooseGeoFilter(page, ['RU', 'KZ']);
    await expectTableMatchesRpc(page, ['offer', 'geo'], filters);
    expect(await analytics(page).locator('tr[data-row^="o-beta|DE"]').count()).toBe(0);

    // Sorting: profit is sorted highest first; a click on its header turns it around.
    const expected = await metrics(['offer', 'geo'], filters);
    const byProfit = [...expected.rows].sort((a, b) => a.profit - b.profit).map((r) => `${r.offer_id}|${r.geo}`);
    await analytics(page).locator('th[data-column="profit"] button').click();
    await expect.poll(() => analytics(page).locator('tbody tr:not([data-row="total"])').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-row')))).toEqual(byProfit);
    await analytics(page).locator('th[data-column="profit"] button').click();

    const csv = await download(page, 'csv');
    expect(csv.name).toBe(`analytics_${last7.from}_${last7.to}.csv`);
    expectFileMatchesRpc(parseCsv(csv.body.toString('utf8')), expected);

    const xlsx = await download(page, 'xlsx');
    expect(xlsx.name).toMatch(/\.xlsx$/);
    const workbook = parseXlsx(xlsx.body);
    expectFileMatchesRpc(workbook.rows, expected);
    expect(workbook.rows[1]?.every((v, i) => i < 2 || v === null || typeof v === 'number')).toBe(true);
    expect(workbook.sheetXml).toMatch(/<pane[^>]*ySplit="1"[^>]*state="frozen"/);
    expect(workbook.sheetXml).toMatch(/<col [^>]*width=/);
    expect(workbook.stylesXml).toContain('<b/>');
    expect(workbook.stylesXml).toContain('0.0%');

    // A preset keeps the grouping and filter across a reload.
    await openSection(page, 'presets');
    await analytics(page).locator('input[name="preset-name"]').fill('RU+KZ offers');
    await analytics(page).locator('ion-button[data-action="save-preset"]').click();
    await shows(analytics(page).locator('ion-item[data-preset="RU+KZ offers"]'));
    await page.reload();
    await shows(analytics(page).locator('table.analytics-table'), 20_000);
    await expectTableMatchesRpc(page, ['offer'], {});
    await openSection(page, 'presets');
    await analytics(page).locator('ion-item[data-preset="RU+KZ offers"]').click();
    await expectTableMatchesRpc(page, ['offer', 'geo'], filters);
    await openSection(page, 'layout');
    expect(await analytics(page).locator('[data-option="group:geo"]').getAttribute('aria-pressed')).toBe('true');
    await openSection(page, 'filters');
    await analytics(page).locator('details[data-filter="geo"] summary').click();
    expect(await analytics(page).locator('details[data-filter="geo"] [data-filter-value="RU"]').getAttribute('aria-pressed')).toBe('true');
    expect(await analytics(page).locator('details[data-filter="geo"] [data-filter-value="DE"]').getAttribute('aria-pressed')).toBe('false');

    // The chart loads when opened, a line per chosen metric.
    await openSection(page, 'chart');
    await shows(analytics(page).locator('[data-chart="spend"] path.analytics-chart-line'), 15_000);
    await page.context().close();
  }, 180_000);
});

describe('grouping by date', () => {
  it('reads as a time series: the days in date order, not by profit', async () => {
    const page = await openAnalytics('tablet');
    await openSection(page, 'layout');
    await analytics(page).locator('[data-option="group:offer"]').click();
    await analytics(page).locator('[data-option="group:date"]').click();
    const { rows } = await metrics(['date']);
    const days = rows.map((r) => String((r as unknown as { date: string }).date)).sort();
    expect(days.length).toBeGreaterThan(1);
    await expect.poll(() => analytics(page).locator('tbody tr:not([data-row="total"])').evaluateAll((trs) => trs.map((r) => r.getAttribute('data-row')))).toEqual(days);
    expect(await analytics(page).locator('th[data-column="date"]').getAttribute('aria-sort')).toBe('ascending');
    await page.context().close();
  }, 120_000);
});

describe('analytics on a phone (390×844)', () => {
  it('scrolls the table sideways with the first column held, and exports the filtered selection', async () => {
    const page = await openAnalytics('phone');
    await chooseGeoFilter(page, ['KZ']);
    await expectTableMatchesRpc(page, ['offer'], { geo: ['KZ'] });
    const scroll = analytics(page).locator('.analytics-table-scroll');
    expect(await scroll.evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true);
    expect(await analytics(page).locator('tr[data-row="total"] th').evaluate((el) => getComputedStyle(el).position)).toBe('sticky');

    const { total } = await metrics(['offer'], { geo: ['KZ'] });
    const rows = parseXlsx((await download(page, 'xlsx')).body).rows;
    expect(rows[0]?.slice(0, 2)).toEqual(['Оффер', 'Расход']);
    expect(rows.at(-1)?.[1]).toBeCloseTo(total.spend, 6);
    await page.context().close();
  }, 120_000);
});
