import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppServer } from '../../supabase/local/appServer.ts';
import { closeToasts, fillIn, screen, shows, signInThroughUi, submit, toastMessage } from '../support/appDriver.ts';
import { serveTestApp } from '../support/appServer.ts';
import { launchChromium, newAppContext } from '../support/browser.ts';
import { db, stack } from '../support/clients.ts';
import { createUser, type TestUser } from '../support/users.ts';

const sql = db();
const clientIp = { apiUrl: stack.apiUrl, ip: '203.0.113.20' };
let app: AppServer;
let browser: Browser;
const people: TestUser[] = [];

async function person(label: string): Promise<TestUser> {
  const user = await createUser(sql, label);
  people.push(user);
  return user;
}

async function attemptSignIn(page: Page, email: string, password: string): Promise<string> {
  await fillIn(page, 'sign-in', 'email', email);
  await fillIn(page, 'sign-in', 'password', password);
  await submit(page, 'sign-in');
  const message = await toastMessage(page);
  await closeToasts(page);
  return message;
}

/** The newest recovery email the stack's outbox holds for `email`. */
function recoveryEmail(email: string): { otp: string; link: string } | undefined {
  const dir = join(stack.dataDir, 'outbox');
  const mails = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as { to: string; type: string; otp: string; link: string })
    .filter((m) => m.to === email && m.type === 'recovery');
  return mails.at(-1);
}

beforeAll(async () => {
  [app, browser] = await Promise.all([serveTestApp(stack), launchChromium()]);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
  if (people.length) await sql`delete from auth.users where id in ${sql(people.map((p) => p.id))}`;
  await sql.end();
});

describe('sign-in errors say what to do', () => {
  it('a wrong password, then the lock-out after five, with the minutes to wait (Russian)', async () => {
    const user = await person('locked');
    const context = await newAppContext(browser, { device: 'phone', locale: 'ru-RU', clientIp });
    const page = await context.newPage();
    await page.goto(`${app.url}/sign-in`);
    for (let attempt = 1; attempt <= 5; attempt += 1) {
      expect(await attemptSignIn(page, user.email, 'not-the-password-1')).toBe('Неверная почта или пароль. Проверьте их или сбросьте пароль.');
    }
    expect(await attemptSignIn(page, user.email, 'not-the-password-1')).toBe('Слишком много неудачных попыток. Попробуйте снова через 15 мин. или сбросьте пароль.');
    await context.close();
  }, 60_000);

  it('a wrong password in English, and a sign-in while the server is unreachable', async () => {
    const user = await person('unreachable');
    const context = await newAppContext(browser, { device: 'phone', locale: 'en-US', clientIp });
    const page = await context.newPage();
    await page.goto(`${app.url}/sign-in`);
    expect(await attemptSignIn(page, user.email, 'not-the-password-2')).toBe('Wrong email or password. Check both, or reset the password.');

    // Unreachable: the banner says so, once — not a toast repeating it.
    await page.route(`${stack.apiUrl}/**`, (route) => route.abort('connectionrefused'));
    await fillIn(page, 'sign-in', 'email', user.email);
    await fillIn(page, 'sign-in', 'password', 'correct-horse-7');
    await submit(page, 'sign-in');
    await shows(page.locator('.offline-banner'));
    expect(await page.locator('ion-toast .toast-message').filter({ visible: true, hasText: 'No connection' }).count()).toBe(0);
    expect(page.url()).toContain('/sign-in');
    await page.unrouteAll();
    await page.locator('.offline-banner').waitFor({ state: 'detached', timeout: 10_000 });
    await context.close();
  }, 60_000);
});

describe('a sign-in that works after one that did not', () => {
  it('takes the earlier "wrong password" toast away with it', async () => {
    const user = await person('second-try');
    const context = await newAppContext(browser, { device: 'phone', locale: 'en-US', clientIp });
    const page = await context.newPage();
    await page.goto(`${app.url}/sign-in`);
    await fillIn(page, 'sign-in', 'email', user.email);
    await fillIn(page, 'sign-in', 'password', 'not-the-password-3');
    await submit(page, 'sign-in');
    expect(await toastMessage(page)).toBe('Wrong email or password. Check both, or reset the password.');
    // The toast is still up (errors stay 8 s) when the right password goes in.
    await fillIn(page, 'sign-in', 'password', 'correct-horse-7');
    await submit(page, 'sign-in');
    await page.waitForURL('**/app/summary', { timeout: 15_000 });
    await shows(screen(page, 'summary'));
    const stale = page.locator('ion-toast .toast-message').filter({ visible: true, hasText: 'Wrong email or password' });
    await expect.poll(() => stale.count(), { timeout: 3_000 }).toBe(0);
    await context.close();
  }, 60_000);
});

describe('the profile\'s language on a new device', () => {
  it('is taken when nobody has picked one on the device, and a pick on the device then stays', async () => {
    const user = await person('russian-profile');
    await sql`update public.profiles set locale = 'ru' where user_id = ${user.id}`;
    const context = await newAppContext(browser, { device: 'phone', locale: 'en-US', clientIp });
    const page = await context.newPage();
    await page.goto(`${app.url}/sign-in`);
    await expect.poll(() => page.evaluate(() => document.documentElement.lang)).toBe('en');
    await fillIn(page, 'sign-in', 'email', user.email);
    await fillIn(page, 'sign-in', 'password', 'correct-horse-7');
    await submit(page, 'sign-in');
    await page.waitForURL('**/app/summary', { timeout: 15_000 });
    await expect.poll(() => page.evaluate(() => document.documentElement.lang), { timeout: 10_000 }).toBe('ru');

    // English picked in Settings on this device stays, even when the profile says Russian again
    // (another device of the same person changed it).
    await page.goto(`${app.url}/app/settings`);
    await screen(page, 'settings').locator('ion-segment-button[lang="en"]').click();
    await expect.poll(() => page.evaluate(() => document.documentElement.lang)).toBe('en');
    await expect.poll(async () => (await sql`select locale from public.profiles where user_id = ${user.id}`)[0]?.locale).toBe('en');
    await sql`update public.profiles set locale = 'ru' where user_id = ${user.id}`;
    await page.goto(`${app.url}/app/summary`);
    await shows(screen(page, 'summary'));
    await page.waitForTimeout(1_000);
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    await context.close();
  }, 60_000);
});

describe('password recovery', () => {
  it('the emailed link signs in to a new-password form; the new password works', async () => {
    const user = await person('recovers');
    const context = await newAppContext(browser, { device: 'phone', locale: 'en-US', clientIp });
    const page = await context.newPage();
    await page.goto(`${app.url}/sign-in`);
    await screen(page, 'sign-in').getByText('Forgot your password?').click();
    await shows(screen(page, 'recover'));
    await fillIn(page, 'recover', 'email', user.email);
    await submit(page, 'recover');
    await shows(screen(page, 'recover').getByText(`If an account exists for ${user.email}`, { exact: false }));
    await expect.poll(() => recoveryEmail(user.email)).toBeDefined();

    await page.goto(recoveryEmail(user.email)?.link ?? '');
    await page.waitForURL('**/reset-password**');
    await shows(screen(page, 'reset-password').getByText(`For ${user.email}`));
    await fillIn(page, 'reset-password', 'newPassword', 'new-secret-42');
    await fillIn(page, 'reset-password', 'repeatPassword', 'new-secret-42');
    await submit(page, 'reset-password');
    expect(await toastMessage(page)).toBe('Your password has been changed.');
    await page.waitForURL('**/app/summary');

    const fresh = await newAppContext(browser, { device: 'tablet', locale: 'en-US', clientIp });
    await signInThroughUi(await fresh.newPage(), user, app.url, 'new-secret-42');
    await fresh.close();
    await context.close();
  }, 60_000);

  it('the code from the email works too, and a spent link says it has expired', async () => {
    const user = await person('codes');
    const context = await newAppContext(browser, { device: 'phone', locale: 'ru-RU', clientIp });
    const page = await context.newPage();
    await page.goto(`${app.url}/recover`);
    await fillIn(page, 'recover', 'email', user.email);
    await submit(page, 'recover');
    await screen(page, 'recover').getByText('Ввести код').click();
    await shows(screen(page, 'reset-password'));
    await expect.poll(() => recoveryEmail(user.email)).toBeDefined();
    const mail = recoveryEmail(user.email);
    await fillIn(page, 'reset-password', 'code', mail?.otp ?? '');
    await fillIn(page, 'reset-password', 'newPassword', 'code-secret-42');
    await fillIn(page, 'reset-password', 'repeatPassword', 'code-secret-42');
    await submit(page, 'reset-password');
    expect(await toastMessage(page)).toBe('Пароль изменён.');
    await page.waitForURL('**/app/summary');
    await context.close();

    const later = await newAppContext(browser, { device: 'phone', locale: 'ru-RU', clientIp });
    const spent = await later.newPage();
    await spent.goto(mail?.link ?? '');
    expect(await toastMessage(spent)).toBe('Ссылка для сброса пароля устарела или уже использована. Запросите новое письмо.');
    await later.close();
  }, 60_000);
});
