import { appendFileSync, cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appDistDir } from '../../supabase/local/appBuild.ts';
import { startAppServer, type AppServer } from '../../supabase/local/appServer.ts';
import { closeToasts, screen, shows, signInThroughUi, toastMessage } from '../support/appDriver.ts';
import { serveTestApp } from '../support/appServer.ts';
import { cleanUpBrowserTest, launchChromium, newAppContext } from '../support/browser.ts';
import { db, stack } from '../support/clients.ts';
import { createUser, testPassword, type TestUser } from '../support/users.ts';

const sql = db();
const clientIp = { apiUrl: stack.apiUrl, ip: '203.0.113.40' };
let app: AppServer;
let browser: Browser;
let person: TestUser;
let workspaceId: string;

const banner = (page: Page) => page.locator('.offline-banner');

beforeAll(async () => {
  [app, browser] = await Promise.all([serveTestApp(stack), launchChromium()]);
  person = await createUser(sql, 'offline');
  const [row] = await sql<{ id: string }[]>`insert into public.workspaces (name, created_by) values ('Delta Apps', ${person.id}) returning id`;
  if (!row) throw new Error('no workspace');
  workspaceId = row.id;
  await sql`insert into public.workspace_members (workspace_id, user_id, role) values (${workspaceId}, ${person.id}, 'media_buyer')`;
}, 120_000);

afterAll(() => cleanUpBrowserTest({ browser, app, sql, workspaceIds: [workspaceId], personId: person?.id }));

describe('when the backend is unreachable', () => {
  it('says so, and loads what it missed by itself once the backend is back', async () => {
    const context = await newAppContext(browser, { device: 'phone', locale: 'ru-RU', clientIp });
    const page = await context.newPage();
    await signInThroughUi(page, person, app.url, testPassword);

    await page.route(`${stack.apiUrl}/**`, (route) => route.abort('connectionrefused'));
    await page.reload();
    await shows(banner(page).getByText('Нет связи с сервером. Переподключаемся автоматически…'));
    expect(await toastMessage(page, 20_000)).toBe('Нет связи с сервером. Проверьте интернет — приложение повторит попытку само.');
    await shows(screen(page, 'summary').getByText('Не загрузилось'));

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
