import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppServer } from '../../supabase/local/appServer.ts';
import { plain, screen, shows, signInThroughUi } from '../support/appDriver.ts';
import { serveTestApp } from '../support/appServer.ts';
import { seriousAxeViolations } from '../support/axe.ts';
import { cleanUpBrowserTest, launchChromium, newAppContext, type devices } from '../support/browser.ts';
import { db, serviceClient, stack } from '../support/clients.ts';
import { importsBucket, originalPath } from '../support/imports.ts';
import { createUser, testPassword, type TestUser } from '../support/users.ts';

/**
 * Retention of imported originals in the app, in Russian, on a phone and a tablet: the load page
 * says until when a finished load's original is kept, or that retention removed it and when;
 * the workspaces screen has the setting, a select for admins and a text for everyone else.
 * Ages are set in SQL from the database's now(); the expected days come from the rows.
 */
const sql = db();
const clientIp = { apiUrl: stack.apiUrl, ip: '203.0.113.84' };
// Far from UTC, so a day shown in UTC would be caught.
const timeZone = 'Asia/Vladivostok';
let app: AppServer;
let browser: Browser;
let admin: TestUser;
let reader: TestUser;
let workspaceId = '';
let keptLoadId = '';
let removedLoadId = '';

async function finishedLoad(fileName: string, finishedDaysAgo: number): Promise<string> {
  const [row] = await sql<{ id: string }[]>`
    insert into public.etl_loads (workspace_id, source, file_name, status, created_by, started_at, finished_at)
    values (${workspaceId}, 'tw_clicks', ${fileName}, 'done', ${admin.id}, now() - make_interval(days => ${finishedDaysAgo}), now() - make_interval(days => ${finishedDaysAgo}))
    returning id`;
  const id = row?.id ?? '';
  const { error } = await serviceClient().storage.from(importsBucket).upload(originalPath(workspaceId, id), new Blob(['date,clicks\n']), { contentType: 'text/csv' });
  if (error) throw error;
  return id;
}

const dayIn = (moment: Date) => plain(new Intl.DateTimeFormat('ru', { timeZone, day: 'numeric', month: 'short', year: 'numeric' }).format(moment));

beforeAll(async () => {
  [app, browser] = await Promise.all([serveTestApp(stack), launchChromium()]);
  admin = await createUser(sql, 'retention-admin');
  reader = await createUser(sql, 'retention-reader');
  const [row] = await sql<{ id: string }[]>`insert into public.workspaces (name, created_by, import_retention_days) values ('Медиа-команда', ${admin.id}, 30) returning id`;
  workspaceId = row?.id ?? '';
  await sql`insert into public.workspace_members (workspace_id, user_id, role) values (${workspaceId}, ${admin.id}, 'admin'), (${workspaceId}, ${reader.id}, 'read_only')`;
  await sql`update public.profiles set time_zone = ${timeZone} where user_id in (${admin.id}, ${reader.id})`;
  keptLoadId = await finishedLoad('kept.csv', 10);
  removedLoadId = await finishedLoad('removed.csv', 40);
  const { error } = await serviceClient().functions.invoke('imports-retention', { body: {} });
  if (error) throw error;
  const [removed] = await sql<{ at: Date | null }[]>`select original_removed_at as at from public.etl_loads where id = ${removedLoadId}`;
  if (!removed?.at) throw new Error('the retention job did not remove the expired original');
}, 120_000);

afterAll(async () => {
  await sql`delete from auth.users where id = ${reader.id}`;
  await cleanUpBrowserTest({ browser, app, sql, workspaceIds: [workspaceId], personId: admin.id });
});

const setRetention = (days: number) => sql`update public.workspaces set import_retention_days = ${days} where id = ${workspaceId}`;

async function signedIn(person: TestUser, device: keyof typeof devices): Promise<Page> {
  const context = await newAppContext(browser, { device, locale: 'ru-RU', clientIp });
  const page = await context.newPage();
  await signInThroughUi(page, person, app.url, testPassword);
  return page;
}

async function openLoad(page: Page, loadId: string, fileName: string): Promise<void> {
  await page.goto(`${app.url}/app/loads/${loadId}`);
  await shows(screen(page, 'load').locator('ion-card-title').getByText(fileName, { exact: true }), 20_000);
}

describe.each(['phone', 'tablet'] as const)('retention of originals on a %s', (device) => {
  it('says until when an original is kept, and that retention removed another and when', async () => {
    await setRetention(30);
    const page = await signedIn(reader, device);
    const [kept] = await sql<{ finished: Date; removed: Date }[]>`
      select (select finished_at from public.etl_loads where id = ${keptLoadId}) as finished,
        (select original_removed_at from public.etl_loads where id = ${removedLoadId}) as removed`;
    if (!kept) throw new Error('no loads');

    await openLoad(page, keptLoadId, 'kept.csv');
    const keptNote = screen(page, 'load').locator('[data-load="original-kept-until"]');
    await shows(keptNote);
    const until = dayIn(new Date(kept.finished.getTime() + 30 * 86_400_000));
    expect(plain(await keptNote.innerText())).toBe(`Исходный файл хранится до ${until} (срок хранения — 30 дн.). Даты в вашем часовом поясе: Asia/Vladivostok.`);

    await openLoad(page, removedLoadId, 'removed.csv');
    const removedNote = screen(page, 'load').locator('[data-load="original-removed"]');
    await shows(removedNote);
    expect(plain(await removedNote.innerText())).toBe(`Исходный файл удалён ${dayIn(kept.removed)} по сроку хранения, заданному в пространстве. Даты в вашем часовом поясе: Asia/Vladivostok.`);
    expect(await screen(page, 'load').locator('ion-button[data-action="download-original"]').getAttribute('disabled')).not.toBeNull();
    expect(await seriousAxeViolations(page, screen(page, 'load'))).toEqual([]);
    await page.context().close();
  }, 60_000);

  it('lets an admin choose the retention, and shows it to a read-only member', async () => {
    await setRetention(30);
    const adminPage = await signedIn(admin, device);
    await adminPage.goto(`${app.url}/app/workspaces`);
    const setting = screen(adminPage, 'workspaces').locator('[data-setting="import-retention"]');
    await shows(setting.locator('ion-select[data-action="change-retention"]'), 20_000);
    expect(plain(await setting.innerText())).not.toMatch(/[A-Za-z]{3,}/);
    await setting.locator('ion-select').click();
    const popover = adminPage.locator('ion-popover:not(.overlay-hidden)');
    for (const option of ['30 дней', '90 дней', '180 дней', '365 дней', 'Бессрочно']) await shows(popover.locator('ion-radio').getByText(option, { exact: true }));
    await popover.locator('ion-radio').getByText('180 дней', { exact: true }).click();
    await popover.waitFor({ state: 'detached' });
    await expect.poll(async () => (await sql`select import_retention_days from public.workspaces where id = ${workspaceId}`)[0]?.import_retention_days).toBe(180);
    // The setting alone: the workspace list above it has findings of its own (ion-item role="radio").
    expect(await seriousAxeViolations(adminPage, setting)).toEqual([]);
    await adminPage.context().close();

    const readerPage = await signedIn(reader, device);
    await readerPage.goto(`${app.url}/app/workspaces`);
    const shown = screen(readerPage, 'workspaces').locator('[data-setting="import-retention"]');
    await shows(shown.locator('[data-retention-days="180"]'), 20_000);
    expect(plain(await shown.innerText())).toContain('180 дней');
    expect(plain(await shown.innerText())).toContain('Изменить срок могут только администраторы пространства.');
    expect(await shown.locator('ion-select').count()).toBe(0);
    expect(await seriousAxeViolations(readerPage, shown)).toEqual([]);
    await readerPage.context().close();
  }, 60_000);
});
