import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppServer } from '../../supabase/local/appServer.ts';
import { screen, shows, signInThroughUi, toastMessage, closeToasts, fillIn } from '../support/appDriver.ts';
import { serveTestApp } from '../support/appServer.ts';
import { cleanUpBrowserTest, launchChromium, newAppContext } from '../support/browser.ts';
import { db, stack } from '../support/clients.ts';
import { createUser, testPassword, type TestUser } from '../support/users.ts';

const sql = db();
const clientIp = { apiUrl: stack.apiUrl, ip: '203.0.113.10' };
let app: AppServer;
let browser: Browser;
let person: TestUser;
const workspaceIds: string[] = [];

async function addWorkspace(name: string, role: string): Promise<string> {
  const [row] = await sql<{ id: string }[]>`insert into public.workspaces (name, created_by) values (${name}, ${person.id}) returning id`;
  if (!row) throw new Error('no workspace');
  await sql`insert into public.workspace_members (workspace_id, user_id, role) values (${row.id}, ${person.id}, ${role})`;
  workspaceIds.push(row.id);
  return row.id;
}

beforeAll(async () => {
  [app, browser] = await Promise.all([serveTestApp(stack), launchChromium()]);
  person = await createUser(sql, 'shell');
  await addWorkspace('Alpha Traffic', 'admin');
  await addWorkspace('Beta Leads', 'media_buyer');
}, 120_000);

afterAll(() => cleanUpBrowserTest({ browser, app, sql, workspaceIds: workspaceIds, personId: person?.id }));

describe('the app shell on a phone (390×844), Russian browser', () => {
  it('signs in to tabs, switches workspace, language and profile, and signs out', async () => {
    const context = await newAppContext(browser, { device: 'phone', locale: 'ru-RU', clientIp });
    const page = await context.newPage();
    await page.goto(app.url);
    await shows(screen(page, 'sign-in').getByText('Вход', { exact: true }));
    await signInThroughUi(page, person, app.url, testPassword);

    // Phone layout: the tab bar, no side menu.
    await shows(page.locator('ion-tab-bar'));
    expect(await page.locator('ion-menu').isVisible()).toBe(false);
    expect(await page.locator('ion-menu').getAttribute('aria-label')).toBe('Главное меню');
    const summary = screen(page, 'summary');
    await shows(summary.getByText('Данных пока нет'));
    await shows(summary.getByText('Alpha Traffic · Администратор'));

    // The phone's tab bar keeps to five; the workspace switcher is reached from Settings.
    expect(await page.locator('ion-tab-bar ion-tab-button').count()).toBeLessThanOrEqual(5);
    // …and every Russian label is shown whole, inside the screen (none cut by its neighbours or the edge).
    const labels = await page.locator('ion-tab-bar ion-tab-button ion-label').evaluateAll((nodes) =>
      nodes.map((n) => {
        const box = n.getBoundingClientRect();
        return { text: n.textContent, left: box.left, right: box.right, cut: n.scrollWidth > n.clientWidth };
      }),
    );
    for (const label of labels) {
      expect(label, label.text ?? '').toMatchObject({ cut: false });
      expect(label.left, label.text ?? '').toBeGreaterThanOrEqual(0);
      expect(label.right, label.text ?? '').toBeLessThanOrEqual(390);
    }
    // The workspace switcher lists both memberships with roles; the choice survives a reload.
    await page.locator('ion-tab-button[tab="settings"]').click();
    await screen(page, 'settings').locator('ion-item[data-link="workspaces"]').click();
    const workspaces = screen(page, 'workspaces');
    await shows(workspaces.getByText('Beta Leads'));
    await shows(workspaces.getByText('Медиабайер'));
    await workspaces.getByText('Beta Leads').click();
    await page.locator('ion-tab-button[tab="summary"]').click();
    await shows(screen(page, 'summary').getByText('Beta Leads · Медиабайер'));
    await page.reload();
    await shows(screen(page, 'summary').getByText('Beta Leads · Медиабайер'));

    // Language: English everywhere at once, and saved to the profile for alerts.
    await page.locator('ion-tab-button[tab="settings"]').click();
    await screen(page, 'settings').locator('ion-segment-button[lang="en"]').click();
    await shows(page.locator('ion-tab-button[tab="summary"]').getByText('Summary'));
    await shows(screen(page, 'settings').getByText('Theme'));
    await expect.poll(async () => (await sql`select locale from public.profiles where user_id = ${person.id}`)[0]?.locale).toBe('en');
    await screen(page, 'settings').locator('ion-segment-button[lang="ru"]').click();
    await shows(page.locator('ion-tab-button[tab="summary"]').getByText('Сводка'));
    await closeToasts(page);

    // Profile (reached from Settings on the phone): name and time zone reach the profiles row.
    await screen(page, 'settings').locator('[data-link="profile"]').click();
    const profile = screen(page, 'profile');
    await shows(profile.locator('input[name="displayName"]'));
    await fillIn(page, 'profile', 'displayName', 'Ольга Закупкина');
    await profile.getByText('Часовой пояс').click();
    await page.locator('ion-modal ion-searchbar input').fill('tokyo');
    await page.locator('ion-modal ion-item').getByText('Asia/Tokyo').click();
    await profile.locator('ion-button[type="submit"]').click();
    expect(await toastMessage(page)).toBe('Профиль сохранён.');
    const [row] = await sql`select display_name, time_zone, telegram_id::text, locale from public.profiles where user_id = ${person.id}`;
    expect(row).toEqual({ display_name: 'Ольга Закупкина', time_zone: 'Asia/Tokyo', telegram_id: null, locale: 'ru' });
    await page.reload();
    await shows(screen(page, 'profile').getByText('Asia/Tokyo'));
    await closeToasts(page);

    // Telegram is linked through the bot with a one-time code, not typed in.
    const telegram = screen(page, 'profile').locator('[data-section="telegram"]');
    await shows(telegram.locator('[data-telegram="not-linked"]'));
    await telegram.getByText('Получить код').click();
    const shown = (await telegram.locator('[data-telegram="code"]').textContent()) ?? '';
    const code = /^\/start ([A-Z2-9]{8})$/.exec(shown.trim())?.[1] ?? '';
    expect(code).not.toBe('');
    await telegram.getByText('Я отправил').click();
    await shows(telegram.getByText('Бот ещё не получил код.'));
    // The bot's webhook receives "/start CODE" from chat 123456789.
    expect((await sql`select private.telegram_link(${code}, 123456789) as person`)[0]?.person).toBe(person.id);
    await telegram.getByText('Я отправил').click();
    await shows(telegram.locator('[data-telegram="linked"]').getByText('123456789', { exact: false }));
    await telegram.getByText('Отвязать').click();
    await shows(telegram.locator('[data-telegram="not-linked"]'));
    expect((await sql`select telegram_id from public.profiles where user_id = ${person.id}`)[0]?.telegram_id).toBeNull();
    await closeToasts(page);

    // Sign-out ends the session on the device (a reload stays signed out) and leaves none of the workspace's figures.
    const keptSummaries = () => page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('arbidesk.summary.')));
    expect((await keptSummaries()).length).toBeGreaterThan(0);
    await screen(page, 'profile').getByText('Выйти').click();
    await page.waitForURL('**/sign-in');
    await page.reload();
    await shows(screen(page, 'sign-in'));
    expect(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('sb-')))).toEqual([]);
    expect(await keptSummaries()).toEqual([]);
    await context.close();
  }, 90_000);
});

describe('the app shell on a tablet (1024×768), English browser', () => {
  it('shows the side menu in a split pane instead of tabs and signs out from it', async () => {
    // The person's own choice of language follows them to a new device (the phone test above
    // may have left Russian chosen): here they chose English.
    await sql`update public.profiles set locale = 'en' where user_id = ${person.id}`;
    const context = await newAppContext(browser, { device: 'tablet', locale: 'en-US', clientIp });
    const page = await context.newPage();
    await page.goto(app.url);
    await shows(screen(page, 'sign-in').getByText('Sign in', { exact: true }).first());
    await signInThroughUi(page, person, app.url, testPassword);

    const menu = page.locator('ion-menu');
    await shows(menu);
    // Named in the interface's language, not Ionic's built-in English "menu".
    expect(await menu.getAttribute('aria-label')).toBe('Main menu');
    expect(await page.locator('ion-split-pane').evaluate((pane) => pane.classList.contains('split-pane-visible'))).toBe(true);
    expect(await page.locator('ion-tab-bar').isVisible()).toBe(false);
    await shows(menu.getByText('Alpha Traffic · Admin'));
    await shows(screen(page, 'summary').getByText('No data yet'));

    await menu.locator('ion-item').getByText('Profile').click();
    await page.waitForURL('**/app/profile');
    await shows(screen(page, 'profile').locator('input[name="displayName"]'));
    await menu.getByText('Sign out').click();
    await page.waitForURL('**/sign-in');
    expect(await menu.isVisible()).toBe(false);
    await context.close();
  });
});
