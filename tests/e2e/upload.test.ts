import { readFile } from 'node:fs/promises';
import type { SupabaseClient } from '@supabase/supabase-js';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppServer } from '../../supabase/local/appServer.ts';
import { closeToasts, screen, shows, signInThroughUi, toastMessage } from '../support/appDriver.ts';
import { serveTestApp } from '../support/appServer.ts';
import { seriousAxeViolations } from '../support/axe.ts';
import { launchChromium, newAppContext, type devices } from '../support/browser.ts';
import { db, serviceClient, stack } from '../support/clients.ts';
import { importsBucket, importThroughStorage, originalPath, storedOriginal } from '../support/imports.ts';
import { createUser, signIn, testPassword, type TestUser } from '../support/users.ts';

const sql = db();
const clientIp = { apiUrl: stack.apiUrl, ip: '203.0.113.71' };
let app: AppServer;
let browser: Browser;
let person: TestUser;
let reader: TestUser;
let buyer: SupabaseClient;
let workspaceId: string;
/** An earlier load whose original is kept, and one whose original is gone (past the retention period). */
let earlierLoadId: string;
let expiredLoadId: string;

const today = new Date().toISOString().slice(0, 10);
const header = 'event_id,event_time,event_type,campaign_id,offer_id,geo,source,sub1,player_id,amount,payout,currency';
const earlierFile = (tag: string) => `${header}\n${tag}-1,${today} 09:00,first_deposit,c1,o-alpha,RU,moloco,n1,${tag}-p1,50,40,USD\n`;

/** Five conversions of which lines 3 (payout) and 5 (event time) are bad. */
function conversionsWithBadRows(tag: string): string {
  return `${header}
${tag}-1,${today} 10:00,first_deposit,c1,o-alpha,RU,moloco,n1,${tag}-p1,300,120,USD
${tag}-2,${today} 10:05,first_deposit,c1,o-alpha,RU,moloco,n1,${tag}-p2,100,12.5.0,USD
${tag}-3,${today} 10:10,registration,c1,o-beta,RU,moloco,n2,${tag}-p3,,2,USD
${tag}-4,soon,registration,c2,o-gamma,KZ,moloco,n3,${tag}-p4,,3,USD
${tag}-5,${today} 10:20,first_deposit,c2,o-gamma,KZ,moloco,n3,${tag}-p5,200,80,USD
`;
}

interface Totals {
  revenue: number;
  ftds: number;
}

async function totals(): Promise<Totals> {
  const { data, error } = await buyer.rpc('metrics', { workspace: workspaceId, date_from: today, date_to: today });
  if (error) throw error;
  const total = (data as { is_total: boolean; revenue: number; ftds: number }[]).find((r) => r.is_total);
  return { revenue: Number(total?.revenue ?? 0), ftds: Number(total?.ftds ?? 0) };
}

async function factCount(): Promise<number> {
  const [row] = await sql<{ n: string }[]>`select count(*) as n from public.tw_events where workspace_id = ${workspaceId}`;
  return Number(row?.n ?? 0);
}

const menuLabels: Record<string, string> = { upload: 'Загрузка', loads: 'Загрузки' };

/** Opens a screen from the tab bar (phone) or the side menu (tablet). */
async function openFromNavigation(page: Page, device: keyof typeof devices, tab: string): Promise<void> {
  if (device !== 'phone') {
    await page.locator('ion-menu ion-item').getByText(menuLabels[tab] ?? tab, { exact: true }).click();
  } else if (tab === 'upload') {
    // The phone's tab bar has no Upload tab: uploads start from the Loads screen.
    await page.locator('ion-tab-button[tab="loads"]').click();
    await screen(page, 'loads').locator('[data-action="new-upload"]').click();
  } else {
    await page.locator(`ion-tab-button[tab="${tab}"]`).click();
  }
}

async function chooseFile(page: Page, name: string, content: string): Promise<void> {
  await screen(page, 'upload').locator('input[type="file"]').setInputFiles({ name, mimeType: 'text/csv', buffer: Buffer.from(content) });
}

async function confirmAlert(page: Page, action: 'rollback' | 'reapply'): Promise<void> {
  await screen(page, 'load').locator(`[data-action="${action}"]`).click();
  const confirm = page.locator(`ion-alert.load-confirm-${action} button.alert-button-role-confirm`);
  await confirm.waitFor({ state: 'visible' });
  await confirm.click();
  // The next alert can only open once this one has left the page.
  await page.locator(`ion-alert.load-confirm-${action}`).waitFor({ state: 'detached' });
}

beforeAll(async () => {
  [app, browser] = await Promise.all([serveTestApp(stack), launchChromium()]);
  person = await createUser(sql, 'uploader');
  reader = await createUser(sql, 'reader');
  const [row] = await sql<{ id: string }[]>`insert into public.workspaces (name, created_by) values ('Upload Media', ${person.id}) returning id`;
  if (!row) throw new Error('no workspace');
  workspaceId = row.id;
  await sql`insert into public.workspace_members (workspace_id, user_id, role)
    values (${workspaceId}, ${person.id}, 'media_buyer'), (${workspaceId}, ${reader.id}, 'read_only')`;
  await sql`update public.profiles set time_zone = 'UTC' where user_id in (${person.id}, ${reader.id})`;
  buyer = await signIn(person, clientIp.ip);
  const earlier = await importThroughStorage(buyer, workspaceId, 'earlier.csv', earlierFile('earlier'));
  if (earlier.load.status !== 'done') throw new Error(`earlier load: ${earlier.load.status}`);
  earlierLoadId = earlier.loadId;
  const expired = await importThroughStorage(buyer, workspaceId, 'expired.csv', earlierFile('expired'));
  if (expired.load.status !== 'done') throw new Error(`expired load: ${expired.load.status}`);
  expiredLoadId = expired.loadId;
  // The retention job removes originals with the service role.
  const removed = await serviceClient().storage.from(importsBucket).remove([originalPath(workspaceId, expiredLoadId)]);
  if (removed.error) throw removed.error;
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
  if (workspaceId) await sql`delete from public.workspaces where id = ${workspaceId}`;
  for (const user of [person, reader]) if (user) await sql`delete from auth.users where id = ${user.id}`;
  await sql.end();
});

describe.each(['phone', 'tablet'] as const)('uploads on a %s', (device) => {
  it('uploads a file with bad rows, shows them and their CSV, rolls back and re-applies', async () => {
    const context = await newAppContext(browser, { device, locale: 'ru-RU', clientIp });
    const page = await context.newPage();
    await signInThroughUi(page, person, app.url, testPassword);
    const before = await totals();

    await openFromNavigation(page, device, 'upload');
    const uploadScreen = screen(page, 'upload');
    await shows(uploadScreen);
    const fileName = `tw-${device}.csv`;
    // Unique per try: the same bytes again would be recognised as a repeat.
    const content = conversionsWithBadRows(`${device}-${Date.now().toString(36)}`);
    await chooseFile(page, fileName, content);
    await shows(uploadScreen.locator('[data-upload="preview"]'));
    expect(await uploadScreen.locator('ion-select[data-upload="source"]').evaluate((select) => (select as unknown as { value: unknown }).value)).toBe('tw_events');
    await shows(uploadScreen.locator('ion-item[data-column="payout"]'));

    await uploadScreen.locator('[data-action="upload"]').click();
    await shows(uploadScreen.locator('[data-upload="progress"]'));
    await shows(uploadScreen.locator('[data-upload="progress"][data-status="done"]'), 30_000);
    expect(await uploadScreen.locator('[data-upload="counts"]').innerText()).toBe('Прочитано 5 · принято 3 · отклонено 2');
    // The whole file went to Storage before the load ran.
    expect(Number(await uploadScreen.locator('[data-upload="progress"]').getAttribute('data-sent'))).toBe(Buffer.byteLength(content));
    expect(await toastMessage(page)).toContain('принято строк 3, отклонено 2');
    await closeToasts(page);
    expect(await seriousAxeViolations(page, uploadScreen)).toEqual([]);
    const after = await totals();
    expect(after.ftds).toBe(before.ftds + 2);

    await uploadScreen.locator('[data-action="open-load"]').click();
    const loadScreen = screen(page, 'load');
    await shows(loadScreen.locator('[data-load-status="done"]'));
    const rejected = loadScreen.locator('[data-load="errors"] ion-item');
    await expect.poll(() => rejected.count()).toBe(2);
    // The list counts problems (a row may have several), not rows, and says so.
    expect(await loadScreen.locator('[data-load="errors"]').innerText()).toContain('Ошибок в отклонённых строках: 2');
    expect(await rejected.nth(0).getAttribute('data-line')).toBe('3');
    expect(await rejected.nth(0).innerText()).toContain("'12.5.0' is not a number");
    expect(await rejected.nth(1).getAttribute('data-line')).toBe('5');
    expect(await rejected.nth(1).innerText()).toContain("'soon'");

    const [download] = await Promise.all([page.waitForEvent('download'), loadScreen.locator('[data-action="download-rejected"]').click()]);
    expect(download.suggestedFilename()).toBe(`tw-${device}.rejected.csv`);
    // The file's own columns after the line and the reason: the rows as uploaded, to fix and upload again.
    const csv = (await readFile(await download.path(), 'utf8')).trim().split(/\r?\n/);
    expect(csv[0]).toBe(`line,reason,${header}`);
    expect(csv).toHaveLength(3);
    const rows = content.split('\n');
    expect(csv[1]).toMatch(/^3,line 3: column `payout`: '12\.5\.0' is not a number,/);
    expect(csv[1]?.endsWith(`,${rows[2]}`)).toBe(true);
    expect(csv[2]).toMatch(/^5,"line 5: column `event_time`: .soon. is not a date and time[^"]*",/);
    expect(csv[2]?.endsWith(`,${rows[4]}`)).toBe(true);

    // The original file as it was uploaded, under its own name.
    const [original] = await Promise.all([page.waitForEvent('download'), loadScreen.locator('[data-action="download-original"]').click()]);
    expect(original.suggestedFilename()).toBe(fileName);
    expect(await readFile(await original.path(), 'utf8')).toBe(content);
    const loadId = page.url().split('/').pop() ?? '';
    expect((await storedOriginal(workspaceId, loadId))?.toString('utf8')).toBe(content);
    expect(await seriousAxeViolations(page, loadScreen)).toEqual([]);

    await confirmAlert(page, 'rollback');
    await shows(loadScreen.locator('[data-load-status="rolled_back"]'), 20_000);
    await expect.poll(totals, { timeout: 15_000 }).toEqual(before);

    await confirmAlert(page, 'reapply');
    await shows(loadScreen.locator('[data-load-status="done"]'), 20_000);
    await expect.poll(totals, { timeout: 15_000 }).toEqual(after);

    // The history lists it, newest first, with who uploaded it.
    await loadScreen.locator('[data-action="back-to-loads"]').click();
    const newest = screen(page, 'loads').locator('[data-loads="list"] ion-item').first();
    await expect.poll(() => newest.getAttribute('data-file'), { timeout: 10_000 }).toBe(fileName);
    expect(await newest.innerText()).toContain('uploader');
    await context.close();
  }, 120_000);

  it('a read-only member sees the history but no upload entry', async () => {
    const context = await newAppContext(browser, { device, locale: 'ru-RU', clientIp });
    const page = await context.newPage();
    await signInThroughUi(page, reader, app.url, testPassword);
    await openFromNavigation(page, device, 'loads');
    await shows(screen(page, 'loads').locator('[data-loads="list"]'));
    expect(await page.locator('ion-tab-button[tab="upload"]').count()).toBe(0);
    expect(await page.locator('ion-menu ion-item').getByText('Загрузка', { exact: true }).count()).toBe(0);
    if (device === 'tablet') await shows(page.locator('ion-menu ion-item').getByText('Загрузки', { exact: true }));
    expect(await screen(page, 'loads').locator('[data-action="new-upload"]').count()).toBe(0);
    expect(await seriousAxeViolations(page, screen(page, 'loads'))).toEqual([]);

    // Every member may take the original of a load; one past the retention period is said to be gone.
    const loadScreen = screen(page, 'load');
    await screen(page, 'loads').locator(`ion-item[data-load="${earlierLoadId}"]`).click();
    await shows(loadScreen.locator('[data-load-status="done"]'));
    const [original] = await Promise.all([page.waitForEvent('download'), loadScreen.locator('[data-action="download-original"]').click()]);
    expect(original.suggestedFilename()).toBe('earlier.csv');
    expect(await readFile(await original.path(), 'utf8')).toBe(earlierFile('earlier'));
    await loadScreen.locator('[data-action="back-to-loads"]').click();
    await screen(page, 'loads').locator(`ion-item[data-load="${expiredLoadId}"]`).click();
    await shows(screen(page, 'load').locator('ion-card-title').getByText('expired.csv', { exact: true }));
    await screen(page, 'load').locator('[data-action="download-original"]').click();
    const gone = screen(page, 'load').locator('[data-load="original-gone"]');
    await shows(gone);
    expect(await gone.innerText()).toContain('Исходный файл больше не хранится');
    expect(await seriousAxeViolations(page, screen(page, 'load'))).toEqual([]);
    await context.close();
  }, 60_000);
});

describe('cancelling an upload', () => {
  it('stops a big file mid-way: the load is cancelled and the facts are unchanged', async () => {
    const context = await newAppContext(browser, { device: 'phone', locale: 'ru-RU', clientIp });
    const page = await context.newPage();
    await signInThroughUi(page, person, app.url, testPassword);
    const factsBefore = await factCount();
    const rows = [header];
    // Unique per try: the same bytes again would be recognised as a repeat of an earlier load.
    const run = Date.now().toString(36);
    for (let i = 0; i < 400_000; i++) rows.push(`big-${run}-${i},${today} 11:00,registration,c9,o9,RU,moloco,n9,bp${i},,1,USD`);

    await openFromNavigation(page, 'phone', 'upload');
    const uploadScreen = screen(page, 'upload');
    await chooseFile(page, 'big.csv', `${rows.join('\n')}\n`);
    await shows(uploadScreen.locator('[data-upload="preview"]'));
    await uploadScreen.locator('[data-action="upload"]').click();
    const cancel = uploadScreen.locator('ion-button[data-action="cancel-upload"]:not([disabled])');
    await cancel.waitFor({ state: 'visible', timeout: 30_000 });
    await cancel.click();
    await shows(uploadScreen.locator('[data-upload="progress"][data-status="cancelled"]'), 60_000);
    expect(await toastMessage(page)).toContain('загрузка отменена');

    const [load] = await sql<{ status: string }[]>`select status from public.etl_loads where workspace_id = ${workspaceId} and file_name = 'big.csv' order by seq desc limit 1`;
    expect(load?.status).toBe('cancelled');
    expect(await factCount()).toBe(factsBefore);
    await context.close();
  }, 180_000);
});
