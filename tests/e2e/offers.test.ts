import { readFile } from 'node:fs/promises';
import type { SupabaseClient } from '@supabase/supabase-js';
import { strFromU8, unzipSync } from 'fflate';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppServer } from '../../supabase/local/appServer.ts';
import { closeToasts, openTab, screen, shows, signInThroughUi } from '../support/appDriver.ts';
import { serveTestApp } from '../support/appServer.ts';
import { cleanUpBrowserTest, launchChromium, newAppContext, type devices } from '../support/browser.ts';
import { db, stack } from '../support/clients.ts';
import { upload } from '../support/etl.ts';
import { createUser, signIn, testPassword, type TestUser } from '../support/users.ts';
import { utcDay } from '../support/days.ts';

const sql = db();
const ip = '203.0.113.147';
const clientIp = { apiUrl: stack.apiUrl, ip };
let app: AppServer;
let browser: Browser;
let manager: TestUser;
let viewer: TestUser;
let admin: TestUser;
let uploader: TestUser;
let managerApi: SupabaseClient;
let viewerApi: SupabaseClient;
let workspaceId: string;
let programId: string;
let kpiId: string;
let capId: string;
/** An offer made in beforeAll, with two versions and a mapping, for the tests that only read or pick offers. */
let seededId = '';
const bulkIds: Record<string, string> = {};

const day = utcDay;
/**
 * Conversions of four TW offers: pinup-ru-cpa (one link, two campaigns) is what the new offer
 * maps; seeded-ru is mapped in beforeAll; vavada-kz is mapped by the backdating test; joy-ru
 * is never mapped, so it is always a suggestion.
 */
const conversions = `event_id,event_time,event_type,campaign_id,campaign_name,offer_id,link_title,geo,source,sub1,player_id,amount,payout,currency
e1,${day(-2)} 10:00,registration,c1,PinUp push RU,pinup-ru-cpa,PinUp RU main,RU,moloco,n1,p1,,0,USD
e2,${day(-2)} 11:00,first_deposit,c1,PinUp push RU,pinup-ru-cpa,PinUp RU main,RU,moloco,n1,p1,100,45,USD
e3,${day(-1)} 11:00,first_deposit,c2,PinUp in-app,pinup-ru-cpa,PinUp RU main,RU,moloco,n2,p2,100,45,USD
e4,${day(-1)} 12:00,first_deposit,c3,Vavada KZ,vavada-kz,Vavada KZ,KZ,moloco,n3,p3,80,40,USD
e5,${day(-1)} 13:00,first_deposit,c4,Seeded RU,seeded-ru,Seeded RU,RU,moloco,n4,p4,90,50,USD
e6,${day(-1)} 14:00,registration,c5,Joy RU,joy-ru,Joy RU,RU,moloco,n5,p5,,0,USD
`;

const offers = (page: Page) => screen(page, 'offers');
const card = (page: Page) => screen(page, 'offer');
const row = (page: Page, code: string) => offers(page).locator(`tr[data-code="${code}"]`);

async function open(device: keyof typeof devices, person: TestUser, locale = 'en-US'): Promise<Page> {
  const context = await newAppContext(browser, { device, locale, clientIp });
  const page = await context.newPage();
  await signInThroughUi(page, person, app.url, testPassword);
  await page.goto(`${app.url}/app/offers`);
  await shows(offers(page).locator('table[data-offers="table"]'), 20_000);
  return page;
}

/** A tab of the offer card. */
const tab = (page: Page, name: string): Promise<Locator> => openTab(page, 'offer', name);

/** A datetime-local value as this browser reads it, as the moment it stands for. */
async function momentOf(page: Page, local: string): Promise<string> {
  return page.evaluate((value) => new Date(value).toISOString(), local);
}

async function download(page: Page, format: 'csv' | 'xlsx'): Promise<{ name: string; body: Buffer }> {
  const [file] = await Promise.all([page.waitForEvent('download'), offers(page).locator(`[data-offers="bulk"] ion-button[data-export="${format}"]`).click()]);
  return { name: file.suggestedFilename(), body: await readFile(await file.path()) };
}

/** A minimal CSV reader for what the app writes (RFC 4180 quoting, CRLF lines, empty last cells kept). */
function parseCsv(text: string): string[][] {
  const cell = /"((?:[^"]|"")*)"|([^,"\r\n]*)/y;
  const rows: string[][] = [];
  for (const line of text.replace(/^\ufeff/, '').split('\r\n').filter(Boolean)) {
    const cells: string[] = [];
    cell.lastIndex = 0;
    for (;;) {
      const m = cell.exec(line);
      cells.push(m?.[1] !== undefined ? m[1].replace(/""/g, '"') : (m?.[2] ?? ''));
      if (line[cell.lastIndex] !== ',') break;
      cell.lastIndex += 1;
    }
    rows.push(cells);
  }
  return rows;
}

/** The first sheet of an .xlsx as rows of `width` values (numbers as numbers, empty cells as ''). */
function parseXlsx(body: Buffer, width: number): (string | number)[][] {
  const files = unzipSync(new Uint8Array(body));
  const xml = (name: string) => strFromU8(files[name] ?? new Uint8Array());
  const shared = [...xml('xl/sharedStrings.xml').matchAll(/<si>([\s\S]*?)<\/si>/g)].map((m) => [...(m[1] ?? '').matchAll(/<t[^>]*>([^<]*)<\/t>/g)].map((t) => t[1]).join(''));
  return [...xml('xl/worksheets/sheet1.xml').matchAll(/<row[^>]*>([\s\S]*?)<\/row>/g)].map((r) => {
    const cells: (string | number | null)[] = Array.from({ length: width }, () => null);
    for (const c of (r[1] ?? '').matchAll(/<c r="([A-Z]+)\d+"([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g)) {
      const column = [...(c[1] ?? '')].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0) - 1;
      const type = /t="(\w+)"/.exec(c[2] ?? '')?.[1];
      const value = /<v>([^<]*)<\/v>/.exec(c[3] ?? '')?.[1];
      const inline = /<t[^>]*>([^<]*)<\/t>/.exec(c[3] ?? '')?.[1];
      cells[column] = type === 's' ? (shared[Number(value)] ?? null) : type === 'inlineStr' || type === 'str' ? (inline ?? value ?? null) : value === undefined ? null : Number(value);
    }
    return cells.map((v) => v ?? '');
  });
}

beforeAll(async () => {
  [app, browser] = await Promise.all([serveTestApp(stack), launchChromium()]);
  [manager, viewer, uploader, admin] = await Promise.all([
    createUser(sql, 'offers-ui-manager'),
    createUser(sql, 'offers-ui-viewer'),
    createUser(sql, 'offers-ui-uploader'),
    createUser(sql, 'offers-ui-admin'),
  ]);
  const [row] = await sql<{ id: string }[]>`insert into public.workspaces (name, created_by) values ('Offers Desk', ${manager.id}) returning id`;
  if (!row) throw new Error('no workspace');
  workspaceId = row.id;
  await sql`insert into public.workspace_members (workspace_id, user_id, role)
    values (${workspaceId}, ${manager.id}, 'affiliate_manager'), (${workspaceId}, ${viewer.id}, 'read_only'), (${workspaceId}, ${uploader.id}, 'media_buyer'),
      (${workspaceId}, ${admin.id}, 'admin')`;
  await sql`update public.profiles set time_zone = 'UTC' where user_id in (${manager.id}, ${viewer.id}, ${admin.id})`;
  const [program] = await sql<{ id: string }[]>`insert into public.affiliate_programs (workspace_id, name, default_currency) values (${workspaceId}, 'Alpha Partners', 'USD') returning id`;
  const [beta] = await sql<{ id: string }[]>`insert into public.affiliate_programs (workspace_id, name, default_currency) values (${workspaceId}, 'Beta Partners', 'USD') returning id`;
  const [kpi] = await sql<{ id: string }[]>`insert into public.kpi_policies (workspace_id, name, requirements) values (${workspaceId}, 'Standard KPI', '{"min_reg_to_ftd": 0.1}') returning id`;
  const [cap] = await sql<{ id: string }[]>`insert into public.cap_policies (workspace_id, name, period, cap_limit) values (${workspaceId}, 'Daily 50', 'day', 50) returning id`;
  [programId, kpiId, capId] = [program?.id ?? '', kpi?.id ?? '', cap?.id ?? ''];
  [managerApi, viewerApi] = await Promise.all([signIn(manager, ip), signIn(viewer, ip)]);
  for (const code of ['BULK-1', 'BULK-2']) {
    const { data, error } = await managerApi.rpc('create_offer', { workspace: workspaceId, code, name: `${code} offer`, valid_from: `${day(-10)}T00:00:00Z`, rate: 20, currency: 'USD', geos: ['UZ'] });
    if (error) throw error;
    bulkIds[code] = (data as { id: string }).id;
  }
  const seeded = await managerApi.rpc('create_offer', {
    workspace: workspaceId, code: 'SEEDED-RU', name: 'Seeded Casino RU', product: 'Seeded', program: beta?.id, valid_from: `${day(-20)}T00:00:00Z`,
    rate: 45, currency: 'USD', geos: ['RU'], landing_type: 'prelanding',
  });
  if (seeded.error) throw seeded.error;
  seededId = (seeded.data as { id: string }).id;
  const raised = await managerApi.rpc('open_offer_version', { offer: seededId, valid_from: `${day(-3)}T00:00:00Z`, rate: 50, currency: 'USD', geos: ['RU'], landing_type: 'prelanding', reason: 'Rate raised' });
  if (raised.error) throw raised.error;
  const mapped = await managerApi.from('offer_mapping').insert({ workspace_id: workspaceId, offer_id: seededId, tw_offer_id: 'seeded-ru' });
  if (mapped.error) throw mapped.error;
  const { body } = await upload(await signIn(uploader, ip), workspaceId, 'offers-tw.csv', conversions);
  if (body.load.status !== 'done') throw new Error(`fixture load: ${body.load.status} ${body.load.error_summary ?? ''}`);
}, 120_000);

afterAll(async () => {
  // The workspace goes first: its last admin cannot leave it.
  if (workspaceId) await sql`delete from public.workspaces where id = ${workspaceId}`;
  await sql`delete from auth.users where id in ${sql([viewer?.id, uploader?.id, admin?.id].filter((id): id is string => Boolean(id)))}`;
  await cleanUpBrowserTest({ browser, app, sql, workspaceIds: [], personId: manager?.id });
});

describe('offers on a tablet (1024×768), as an affiliate manager', () => {
  it('creates an offer, opens a new version, shows the history and a clash, and maps a TW offer from a suggestion', async () => {
    // A retry starts over: the offer this test creates must not exist yet.
    await sql`delete from public.offers where workspace_id = ${workspaceId} and code = 'PINUP-RU-CPA'`;
    const page = await open('tablet', manager);
    await shows(row(page, 'BULK-1'));

    // A new offer with its first terms; the program's currency comes with the program.
    await offers(page).locator('[data-action="new-offer"]').click();
    const form = page.locator('ion-modal[data-modal="new-offer"] form[data-form="new-offer"]');
    await shows(form);
    await form.locator('input[name="code"]').fill('PINUP-RU-CPA');
    await form.locator('input[name="name"]').fill('Pin-Up Casino RU');
    await form.locator('input[name="product"]').fill('Pin-Up');
    await form.locator('select[name="programId"]').selectOption({ label: 'Alpha Partners' });
    const firstStart = `${day(-40)}T00:00`;
    await form.locator('input[name="validFrom"]').fill(firstStart);
    await form.locator('input[name="geos"]').fill('ru');
    await form.locator('input[name="rate"]').fill('4o');
    await form.locator('select[name="kpiPolicyId"]').selectOption({ label: 'Standard KPI' });
    await form.locator('select[name="capPolicyId"]').selectOption({ label: 'Daily 50' });
    await form.locator('input[name="landingType"]').fill('prelanding');
    await form.locator('ion-button[type="submit"]').click();
    await shows(form.getByText('Enter the rate as a number, e.g. 45 or 12.5 (up to 4 decimals).'));
    expect(await sql`select 1 from public.offers where workspace_id = ${workspaceId} and code = 'PINUP-RU-CPA'`).toHaveLength(0);
    await form.locator('input[name="rate"]').fill('45');
    await form.locator('ion-button[type="submit"]').click();
    await page.waitForURL(/\/app\/offers\/[0-9a-f-]{36}$/, { timeout: 15_000 });
    const pinupId = page.url().split('/').at(-1) ?? '';
    const [created] = await sql`select o.code, o.name, o.product, o.program_id, o.status, v.geos, v.rate::text, v.currency, v.kpi_policy_id, v.cap_policy_id, v.landing_type, v.valid_from, v.valid_to, v.author
      from public.offers o join public.offer_versions v on v.offer_id = o.id where o.id = ${pinupId}`;
    expect(created).toEqual({
      code: 'PINUP-RU-CPA', name: 'Pin-Up Casino RU', product: 'Pin-Up', program_id: programId, status: 'active', geos: ['RU'], rate: '45.0000', currency: 'USD',
      kpi_policy_id: kpiId, cap_policy_id: capId, landing_type: 'prelanding', valid_from: new Date(await momentOf(page, firstStart)), valid_to: null, author: manager.id,
    });
    const parameters = card(page).locator('[data-tab-body="parameters"]');
    await shows(parameters.locator('[data-param="rate"]').getByText('$45.00'));
    await shows(parameters.locator('[data-param="program"]').getByText('Alpha Partners'));
    await shows(parameters.locator('[data-param="kpi"]').getByText('Standard KPI'));

    // Edit = a new version from the next minute, which closes the first one there.
    await parameters.locator('[data-action="new-version"]').click();
    const versionForm = page.locator('ion-modal[data-modal="new-version"] form[data-form="new-version"]');
    await shows(versionForm);
    expect(await versionForm.locator('input[name="rate"]').inputValue()).toBe('45');
    await versionForm.locator('input[name="rate"]').fill('50');
    await versionForm.locator('ion-button[type="submit"]').click();
    await shows(parameters.locator('[data-param="rate"]').getByText('$50.00'));
    const versions = await sql<{ rate: string; valid_from: Date; valid_to: Date | null }[]>`select rate::text, valid_from, valid_to from public.offer_versions where offer_id = ${pinupId} order by valid_from`;
    expect(versions.map((v) => v.rate)).toEqual(['45.0000', '50.0000']);
    expect(versions[0]?.valid_to).toEqual(versions[1]?.valid_from);
    expect(versions[1]?.valid_to).toBeNull();
    await closeToasts(page);

    // Terms that overlap the first version are refused, and the form says which period they clash with.
    await parameters.locator('[data-action="new-version"]').click();
    await shows(versionForm);
    await versionForm.locator('input[name="validFrom"]').fill(firstStart);
    await shows(versionForm.locator('input[name="reason"]'));
    await versionForm.locator('ion-button[type="submit"]').click();
    const clash = versionForm.locator('[data-problem="offers.errors.clash"]');
    await shows(clash);
    const utc = (d: Date | null | undefined) => `${d?.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
    expect(await clash.innerText()).toBe(`These terms overlap the version valid from ${utc(versions[0]?.valid_from)} to ${utc(versions[0]?.valid_to)}. Start the new version after that one ends.`);
    expect(await sql`select 1 from public.offer_versions where offer_id = ${pinupId}`).toHaveLength(2);
    await page.locator('ion-modal[data-modal="new-version"] ion-toolbar ion-button').click();
    await page.locator('ion-modal[data-modal="new-version"]').waitFor({ state: 'hidden' });

    // History: both versions, who made them, and the field changes (the first version's end among them).
    const history = await tab(page, 'history');
    await expect.poll(() => history.locator('[data-history="versions"] ion-item').count()).toBe(2);
    expect(await history.locator('[data-history="versions"] ion-item[data-live="true"]').innerText()).toContain('$50.00');
    const closed = history.locator('[data-change-group="version"]').filter({ hasText: 'changed' });
    // The day the first version ended, as the profile's zone (UTC here) writes it.
    const ended = versions[0]?.valid_to ?? new Date(Number.NaN);
    const endedDay = new Intl.DateTimeFormat('en-US', { timeZone: 'UTC', month: 'short', day: 'numeric', year: 'numeric' }).format(ended);
    expect(await closed.locator('li[data-field="valid_to"]').innerText()).toMatch(new RegExp(`^Valid to: — → ${endedDay}, \\d{2}:\\d{2}\\s[AP]M$`));
    expect(await history.locator('[data-change-group="version"]').first().locator('li[data-field="rate"]').innerText()).toBe('Rate: 50');
    const offerCreated = history.locator('[data-change-group="offer"]').filter({ hasText: 'Offer created' });
    expect(await offerCreated.locator('li[data-field="program_id"]').innerText()).toBe('Program: Alpha Partners');
    expect(await offerCreated.innerText()).toContain('offers-ui-manager');

    // Linked campaigns: the suggestion most like the offer is mapped with one tap; its campaigns appear with their metrics.
    const links = await tab(page, 'campaigns');
    const suggestions = links.locator('[data-mapping="suggestions"] ion-item[data-suggestion]');
    await shows(suggestions);
    expect(await suggestions.first().getAttribute('data-suggestion')).toBe('pinup-ru-cpa');
    await suggestions.first().locator('[data-action="map"]').click();
    await shows(links.locator('[data-mapping="current"] [data-tw-offer="pinup-ru-cpa"]'));
    expect(await sql`select tw_offer_id, link_title, is_active from public.offer_mapping where offer_id = ${pinupId}`).toEqual([{ tw_offer_id: 'pinup-ru-cpa', link_title: 'PinUp RU main', is_active: true }]);
    const { data: linked } = await managerApi.rpc('offer_campaigns', { offer: pinupId, date_from: day(-29), date_to: day(0) });
    const campaigns = linked as { campaign_id: string; ftds: number; registrations: number }[];
    expect(campaigns.map((c) => c.campaign_id).sort()).toEqual(['c1', 'c2']);
    for (const c of campaigns) {
      const line = links.locator(`[data-campaigns="table"] tr[data-campaign="${c.campaign_id}"]`);
      await shows(line);
      expect(await line.locator('[data-metric="ftds"]').innerText()).toBe(String(c.ftds));
      expect(await line.locator('[data-metric="registrations"]').innerText()).toBe(String(c.registrations));
      expect(await line.locator('[data-metric="revenue"]').innerText()).toBe('$45.00');
    }
    await expect.poll(() => links.locator('[data-mapping="suggestions"] [data-suggestion="pinup-ru-cpa"]').count()).toBe(0);
    await page.context().close();
  }, 150_000);

  it('filters and searches, bulk-archives the chosen offers, and exports the selection as CSV and XLSX', async () => {
    // A retry starts over: the offers this test archives are active again.
    await sql`update public.offers set status = 'active' where id in ${sql(Object.values(bulkIds))}`;
    const page = await open('tablet', manager);
    await offers(page).locator('ion-searchbar[data-filter="search"] input').fill('beta');
    await expect.poll(() => offers(page).locator('tbody tr').count()).toBe(1);
    await shows(row(page, 'SEEDED-RU'));
    await offers(page).locator('ion-searchbar[data-filter="search"] input').fill('');
    await offers(page).locator('select[data-filter="geo"]').selectOption('UZ');
    await expect.poll(() => offers(page).locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-code')))).toEqual(['BULK-1', 'BULK-2']);
    await offers(page).locator('select[data-filter="geo"]').selectOption('');

    // Bulk archive after a confirmation: the statuses change and the offers' terms close.
    for (const code of ['BULK-1', 'BULK-2']) await row(page, code).locator('td.offer-pick input').check();
    const bulk = offers(page).locator('[data-offers="bulk"]');
    expect(await bulk.getAttribute('data-count')).toBe('2');
    await bulk.locator('[data-bulk-status="archived"]').click();
    const confirm = page.locator('ion-alert.offer-confirm-archive button.alert-button-role-confirm');
    await confirm.waitFor({ state: 'visible' });
    await confirm.click();
    await expect.poll(() => row(page, 'BULK-2').getAttribute('data-status'), { timeout: 15_000 }).toBe('archived');
    expect(await row(page, 'BULK-1').getAttribute('data-status')).toBe('archived');
    expect(await sql`select code, status from public.offers where id in ${sql(Object.values(bulkIds))} order by code`).toEqual([
      { code: 'BULK-1', status: 'archived' },
      { code: 'BULK-2', status: 'archived' },
    ]);
    expect(await sql`select 1 from public.offer_versions where offer_id in ${sql(Object.values(bulkIds))} and (valid_to is null or valid_to > now())`).toHaveLength(0);
    await offers(page).locator('select[data-filter="status"]').selectOption('archived');
    await expect.poll(() => offers(page).locator('tbody tr').count()).toBe(2);
    await offers(page).locator('select[data-filter="status"]').selectOption('');

    // Export the selection for approval: BULK-2 and the seeded offer, in the registry's order.
    await bulk.locator('[data-action="clear-selection"]').click();
    for (const code of ['SEEDED-RU', 'BULK-2']) await row(page, code).locator('td.offer-pick input').check();
    const expected = [
      ['BULK-2', 'BULK-2 offer', '', '', 'Archived', 'UZ', 20, 'USD', `${day(-10)} 00:00`, expect.stringMatching(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/), ''],
      ['SEEDED-RU', 'Seeded Casino RU', 'Seeded', 'Beta Partners', 'Active', 'RU', 50, 'USD', `${day(-3)} 00:00`, '', 'prelanding'],
    ];
    const header = ['Code', 'Name', 'Product', 'Program', 'Status', 'GEOs', 'Rate', 'Currency', 'Valid from', 'Valid to', 'Landing type'];

    const csv = await download(page, 'csv');
    expect(csv.name).toMatch(/^offers_\d{4}-\d{2}-\d{2}\.csv$/);
    const csvRows = parseCsv(csv.body.toString('utf8'));
    expect(csvRows[0]).toEqual(header);
    expect(csvRows.slice(1, 3)).toEqual(expected.map((r) => r.map((v) => (typeof v === 'number' ? String(v) : v))));
    expect(csvRows[3]?.[0]).toBe('Offers: 2');

    const xlsx = await download(page, 'xlsx');
    expect(xlsx.name).toMatch(/^offers_\d{4}-\d{2}-\d{2}\.xlsx$/);
    const sheet = parseXlsx(xlsx.body, header.length);
    expect(sheet[0]).toEqual(header);
    expect(sheet.slice(1, 3)).toEqual(expected);
    expect(sheet[3]?.[0]).toBe('Offers: 2');
    await page.context().close();
  }, 120_000);
});

describe('offers for a read-only member', () => {
  it('shows no write controls, and the database refuses the writes anyway', async () => {
    const page = await open('tablet', viewer);
    await shows(row(page, 'SEEDED-RU'));
    expect(await offers(page).locator('[data-action="new-offer"]').count()).toBe(0);
    await shows(offers(page).locator('[data-action="programs"]'));
    await row(page, 'SEEDED-RU').locator('td.offer-pick input').check();
    await shows(offers(page).locator('[data-offers="bulk"] [data-export="csv"]'));
    expect(await offers(page).locator('[data-bulk-status]').count()).toBe(0);

    await row(page, 'SEEDED-RU').locator('[data-action="open-offer"]').click();
    await shows(card(page).locator('[data-param="rate"]'));
    expect(await card(page).locator('[data-action="new-version"], [data-status-action]').count()).toBe(0);
    const links = await tab(page, 'campaigns');
    await shows(links.locator('[data-mapping="current"] [data-tw-offer="seeded-ru"]'));
    await shows(links.locator('[data-suggestion="joy-ru"]'));
    expect(await links.locator('[data-action="map"], [data-action="unmap"]').count()).toBe(0);
    await page.context().close();

    const archive = await viewerApi.from('offers').update({ status: 'archived' }).eq('id', seededId).select('id');
    expect(archive).toMatchObject({ error: null, data: [] });
    expect((await viewerApi.rpc('open_offer_version', { offer: seededId, valid_from: new Date(Date.now() + 86_400_000).toISOString(), rate: 1, currency: 'USD' })).error).toMatchObject({ code: '42501' });
    expect((await viewerApi.rpc('create_offer', { workspace: workspaceId, code: 'SNEAKY', name: 'Sneaky', valid_from: new Date().toISOString(), rate: 1, currency: 'USD' })).error).toMatchObject({ code: '42501' });
    expect((await viewerApi.from('offer_mapping').insert({ workspace_id: workspaceId, offer_id: seededId, tw_offer_id: 'joy-ru' })).error).toMatchObject({ code: '42501' });
    expect(await sql`select status from public.offers where id = ${seededId}`).toEqual([{ status: 'active' }]);
    expect(await sql`select 1 from public.offer_mapping where tw_offer_id = 'joy-ru'`).toHaveLength(0);
  }, 90_000);
});

describe('offers on a phone (390×844)', () => {
  it('lays the registry out as cards that fit the width and opens the card with its tabs', async () => {
    const page = await open('phone', manager, 'ru-RU');
    const seededRow = row(page, 'SEEDED-RU');
    await shows(seededRow);
    expect(await offers(page).locator('table[data-offers="table"] thead').isVisible()).toBe(false);
    expect(await seededRow.locator('[data-cell="geos"]').evaluate((cell) => getComputedStyle(cell, '::before').content)).toBe('"GEO"');
    expect(await offers(page).locator('.offers-body').evaluate((body) => body.scrollWidth - body.clientWidth)).toBeLessThanOrEqual(0);
    await shows(offers(page).locator('[data-action="new-offer"]'));
    await seededRow.locator('[data-action="open-offer"]').click();
    await shows(card(page).locator('[data-param="rate"]'));
    const history = await tab(page, 'history');
    await expect.poll(() => history.locator('[data-history="versions"] ion-item').count()).toBe(2);
    expect(await card(page).locator('.offers-body').evaluate((body) => body.scrollWidth - body.clientWidth)).toBeLessThanOrEqual(0);
    await page.context().close();
  }, 90_000);
});

describe('terms changed in the past, as an admin', () => {
  it('asks why once events were counted under the current terms, and keeps the reason in the history', async () => {
    // A retry starts over: the offer this test creates must not exist yet (its mapping goes
    // first: an offer whose mapping covers loaded events cannot be deleted).
    await sql`delete from public.offer_mapping where workspace_id = ${workspaceId} and tw_offer_id = 'vavada-kz'`;
    await sql`delete from public.offers where workspace_id = ${workspaceId} and code = 'VAVADA-KZ'`;
    const { data, error } = await managerApi.rpc('create_offer', { workspace: workspaceId, code: 'VAVADA-KZ', name: 'Vavada KZ', valid_from: `${day(-10)}T00:00:00Z`, rate: 40, currency: 'USD', geos: ['KZ'] });
    expect(error).toBeNull();
    const vavadaId = (data as { id: string }).id;
    expect((await managerApi.from('offer_mapping').insert({ workspace_id: workspaceId, offer_id: vavadaId, tw_offer_id: 'vavada-kz' })).error).toBeNull();

    const page = await open('tablet', admin);
    await row(page, 'VAVADA-KZ').locator('[data-action="open-offer"]').click();
    await card(page).locator('[data-action="new-version"]').click();
    const form = page.locator('ion-modal[data-modal="new-version"] form[data-form="new-version"]');
    await shows(form);
    await form.locator('input[name="validFrom"]').fill(`${day(-5)}T00:00`);
    await form.locator('input[name="rate"]').fill('42');
    await form.locator('ion-button[type="submit"]').click();
    const problem = form.locator('[data-problem="offers.errors.backdateReason"]');
    await shows(problem);
    expect(await problem.innerText()).toBe(`1 TrafficWave events since ${day(-5)} 00:00:00 UTC were counted under the current terms. Say why the terms change in the past.`);
    expect(await sql`select 1 from public.offer_versions where offer_id = ${vavadaId}`).toHaveLength(1);
    await form.locator('input[name="reason"]').fill('Program raised the rate from the 5th');
    await form.locator('ion-button[type="submit"]').click();
    await shows(card(page).locator('[data-param="reason"]').getByText('Program raised the rate from the 5th'));
    expect(await sql`select rate::text, backdate_reason, author from public.offer_versions where offer_id = ${vavadaId} order by valid_from`).toEqual([
      { rate: '40.0000', backdate_reason: null, author: manager.id },
      { rate: '42.0000', backdate_reason: 'Program raised the rate from the 5th', author: admin.id },
    ]);
    const history = await tab(page, 'history');
    await shows(history.getByText('Backdated because: Program raised the rate from the 5th'));
    await page.context().close();
  }, 90_000);
});
