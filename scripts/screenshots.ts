import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { ensureAppBuilt } from '../supabase/local/appBuild.ts';
import { startAppServer, type AppServer } from '../supabase/local/appServer.ts';
import { projectRoot } from '../supabase/local/config.ts';
import { loadDemoData } from '../supabase/local/demoData.ts';
import { demoUsers } from '../supabase/local/demoUsers.ts';
import { startStack, type Stack } from '../supabase/local/stack.ts';
import { readStatus } from '../supabase/local/statusFile.ts';
import { screen, shows, signInThroughUi } from '../tests/support/appDriver.ts';
import { launchChromium, newAppContext, type AppContextOptions } from '../tests/support/browser.ts';
import { freePort } from '../tests/support/globalSetup.ts';

/**
 * `npm run screenshots`: the app as a media buyer sees it, and the offers screens as the
 * affiliate manager does, on a phone (390×844) and a tablet (1024×768), light and dark, into
 * docs/screenshots/. Uses the stack `npm start` runs, or
 * starts a throw-away one with the demo data.
 */
const outDir = resolve(projectRoot, 'docs/screenshots');
const buyer = { email: demoUsers.users.find((u) => u.role === 'media_buyer')?.email ?? '' };
const manager = { email: demoUsers.users.find((u) => u.role === 'affiliate_manager')?.email ?? '' };

interface Target {
  appUrl: string;
  stop(): Promise<void>;
}

async function target(): Promise<Target> {
  const status = readStatus(resolve(process.env.ARBIDESK_DATA_DIR ?? resolve(projectRoot, '.data')));
  await ensureAppBuilt((line) => console.log(line));
  let stack: Stack | undefined;
  let dataDir: string | undefined;
  let api = status && { apiUrl: status.apiUrl, anonKey: status.anonKey, vapidPublicKey: status.vapidPublicKey };
  if (!api) {
    dataDir = mkdtempSync(join(tmpdir(), 'arbidesk-screenshots-'));
    stack = await startStack({ dataDir, apiPort: 0, dbPort: await freePort() });
    api = { apiUrl: stack.apiUrl, anonKey: stack.keys.anonKey, vapidPublicKey: stack.vapidPublicKey };
    await loadDemoData(stack.apiUrl, stack.keys.anonKey, dataDir);
    console.log(`No stack running: started one with the demo data at ${stack.apiUrl}`);
  } else {
    console.log(`Using the running stack at ${api.apiUrl}`);
  }
  // A server of our own serves the freshly built app even when `npm start` serves an older one.
  const app: AppServer = await startAppServer({ api });
  return {
    appUrl: app.url,
    async stop() {
      await app.close();
      await stack?.stop();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Takes the picture once Ionic has finished showing the screen: it makes the entering page
 * visible (drops ion-page-invisible) at the end of the transition, and a page left invisible
 * would make a blank picture, so that fails instead.
 */
async function snap(page: Page, screenName: string, file: string): Promise<void> {
  await page.locator(`.ion-page[data-page="${screenName}"]:not(.ion-page-hidden):not(.ion-page-invisible)`).waitFor({ state: 'visible', timeout: 10_000 });
  await page.waitForTimeout(700);
  await page.screenshot({ path: join(outDir, file) });
  console.log(`docs/screenshots/${file}`);
}

/** The summary over 7 days: the demo data ends yesterday, so "today" would show zeros. */
async function showWeek(page: Page): Promise<void> {
  const summary = screen(page, 'summary');
  await shows(summary.locator('[data-kpi="profit"]'), 30_000);
  await summary.locator('ion-segment-button[data-period="week"]').click();
  await shows(summary.locator('[data-ranking="top"] ion-item'), 30_000);
}

/** Opens a screen through the side menu of a tablet, as a person does. */
async function openFromMenu(page: Page, path: string): Promise<void> {
  await page.locator(`ion-menu ion-item a[href="${path}"]`).click();
}

/** Analytics over 7 days by offer, without the registrations column so that ROI fits beside the menu. */
async function showAnalytics(page: Page): Promise<void> {
  await openFromMenu(page, '/app/analytics');
  const analytics = screen(page, 'analytics');
  await shows(analytics.locator('table.analytics-table tr[data-row="total"]'), 30_000);
  const layout = analytics.locator('details[data-section="layout"] > summary');
  await layout.click();
  await analytics.locator('[data-option="column:registrations"]').click();
  await layout.click();
  await analytics.locator('th[data-column="registrations"]').waitFor({ state: 'detached' });
  await shows(analytics.locator('th[data-column="roi"]'));
}

/** Sessions whose pictures could not all be taken; the others still are. */
const failures: string[] = [];

async function session(browser: Browser, name: string, options: AppContextOptions, shots: (page: Page) => Promise<void>): Promise<void> {
  const context = await newAppContext(browser, options);
  try {
    await shots(await context.newPage());
  } catch (error) {
    failures.push(`${name}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
  } finally {
    await context.close();
  }
}

async function main(): Promise<number> {
  mkdirSync(outDir, { recursive: true });
  const { appUrl, stop } = await target();
  const browser = await launchChromium();
  const password = demoUsers.password;
  try {
    await session(browser, 'phone summary', { device: 'phone', locale: 'ru-RU' }, async (page) => {
      await page.goto(`${appUrl}/sign-in`);
      await shows(screen(page, 'sign-in'));
      await snap(page, 'sign-in', 'phone-sign-in.png');
      await signInThroughUi(page, buyer, appUrl, password);
      await showWeek(page);
      await snap(page, 'summary', 'phone-summary.png');
    });
    await session(browser, 'phone settings', { device: 'phone', locale: 'ru-RU' }, async (page) => {
      // The phone reaches workspaces and the profile from Settings.
      await signInThroughUi(page, buyer, appUrl, password);
      await page.locator('ion-tab-button[tab="settings"]').click();
      await screen(page, 'settings').locator('ion-item[data-link="workspaces"]').click();
      await shows(screen(page, 'workspaces').locator('ion-item'));
      await snap(page, 'workspaces', 'phone-workspaces.png');
      await page.locator('ion-tab-button[tab="settings"]').click();
      await screen(page, 'settings').locator('ion-item[data-link="profile"]').click();
      await shows(screen(page, 'profile').locator('input[name="displayName"]'));
      await snap(page, 'profile', 'phone-profile.png');
    });
    await session(browser, 'phone dark', { device: 'phone', locale: 'ru-RU', colorScheme: 'dark' }, async (page) => {
      await signInThroughUi(page, buyer, appUrl, password);
      await showWeek(page);
      await snap(page, 'summary', 'phone-summary-dark.png');
    });
    await session(browser, 'tablet', { device: 'tablet', locale: 'ru-RU' }, async (page) => {
      await signInThroughUi(page, buyer, appUrl, password);
      await showWeek(page);
      await snap(page, 'summary', 'tablet-summary.png');
      await showAnalytics(page);
      await snap(page, 'analytics', 'tablet-analytics.png');
      await openFromMenu(page, '/app/settings');
      await shows(screen(page, 'settings'));
      await snap(page, 'settings', 'tablet-settings.png');
    });
    await session(browser, 'tablet offers', { device: 'tablet', locale: 'ru-RU' }, async (page) => {
      // The affiliate manager's screens: the registry, an offer with a rate change, a program.
      await signInThroughUi(page, manager, appUrl, password);
      await openFromMenu(page, '/app/offers');
      const offers = screen(page, 'offers');
      await shows(offers.locator('[data-offers="table"] tr[data-code]').first(), 30_000);
      await snap(page, 'offers', 'tablet-offers.png');
      await offers.locator('tr[data-code="OF102-CPA"] [data-action="open-offer"]').click();
      const offer = screen(page, 'offer');
      await offer.locator('[data-tab="history"]').click();
      await shows(offer.locator('[data-history="versions"]'), 30_000);
      await snap(page, 'offer', 'tablet-offer-history.png');
      await openFromMenu(page, '/app/programs');
      const programs = screen(page, 'programs');
      await shows(programs.locator('ion-item[data-program]').first(), 30_000);
      await snap(page, 'programs', 'tablet-programs.png');
      await programs.locator('ion-item[data-program]').first().click();
      await shows(screen(page, 'program').locator('[data-action="edit-terms"]'), 30_000);
      await snap(page, 'program', 'tablet-program.png');
    });
    await session(browser, 'phone offers', { device: 'phone', locale: 'ru-RU' }, async (page) => {
      await signInThroughUi(page, manager, appUrl, password);
      await page.locator('ion-tab-button[tab="offers"]').click();
      await shows(screen(page, 'offers').locator('[data-offers="table"] tr[data-code]').first(), 30_000);
      await snap(page, 'offers', 'phone-offers.png');
    });
    await session(browser, 'tablet dark', { device: 'tablet', locale: 'en-US', colorScheme: 'dark' }, async (page) => {
      await signInThroughUi(page, buyer, appUrl, password);
      await openFromMenu(page, '/app/profile');
      await shows(screen(page, 'profile').locator('input[name="displayName"]'));
      await snap(page, 'profile', 'tablet-profile-dark.png');
    });
  } finally {
    await browser.close();
    await stop();
  }
  for (const failure of failures) console.error(`Not taken: ${failure}`);
  return failures.length ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
