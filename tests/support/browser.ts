import type { Sql } from 'postgres';
import { chromium, type Browser, type BrowserContext, type LaunchOptions } from 'playwright-core';

/** Debian's Chromium (`apt-get install chromium`); Playwright never downloads a browser here. */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * On a run on another day (scripts/clock.sh), libfaketime moves this process's clock and the
 * stack's. Chromium is kept out of it (under libfaketime each Chromium start stalls for about a
 * minute) and gets the same "now" from Playwright's clock instead, installed in every context.
 */
const movedClock = process.env.LD_PRELOAD?.includes('faketime') === true;

function browserEnvironment(): Record<string, string | undefined> {
  const { LD_PRELOAD: _preload, FAKETIME: _offset, ...rest } = process.env;
  return rest;
}

/** Headless Chromium without background traffic; each launch gets a fresh temporary profile from Playwright. */
export function chromiumLaunchOptions(): LaunchOptions {
  return {
    executablePath: chromiumPath,
    env: browserEnvironment(),
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run'],
  };
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch(chromiumLaunchOptions());
}

/** The time zone of the test devices unless a test sets another: never the machine's. */
export const deviceTimeZone = 'UTC';

export const devices = {
  phone: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true },
  tablet: { viewport: { width: 1024, height: 768 }, isMobile: false, hasTouch: true },
} as const;

export interface AppContextOptions {
  device: keyof typeof devices;
  /** The browser's language: 'ru-RU' gets Russian, anything else English. */
  locale?: string;
  /**
   * The address the Auth API sees (X-Forwarded-For), so each test file has its own per-IP
   * sign-in budget and the files' sign-ins do not add up.
   */
  clientIp?: { apiUrl: string; ip: string };
  /** Service workers are off unless a test is about them: a worker would hide requests from page.route. */
  serviceWorkers?: 'allow' | 'block';
  colorScheme?: 'light' | 'dark';
  deviceScaleFactor?: number;
  /** The device's time zone; UTC unless a test is about another, so no test depends on the machine's. */
  timezoneId?: string;
}

export async function newAppContext(browser: Browser, options: AppContextOptions): Promise<BrowserContext> {
  const context = await browser.newContext({
    ...devices[options.device],
    locale: options.locale ?? 'ru-RU',
    serviceWorkers: options.serviceWorkers ?? 'block',
    colorScheme: options.colorScheme ?? 'light',
    deviceScaleFactor: options.deviceScaleFactor ?? 1,
    timezoneId: options.timezoneId ?? deviceTimeZone,
  });
  // Time runs on from the moved "now"; without a moved clock the browser's own is the same.
  if (movedClock) await context.clock.install({ time: Date.now() });
  const clientIp = options.clientIp;
  if (clientIp) {
    await context.route(`${clientIp.apiUrl}/auth/v1/**`, (route) =>
      route.continue({ headers: { ...route.request().headers(), 'x-forwarded-for': clientIp.ip } }),
    );
  }
  return context;
}

/** What a browser test file opens and creates, for cleanUpBrowserTest. */
export interface BrowserTestParts {
  browser?: Browser;
  app?: { close(): Promise<void> };
  sql: Sql;
  workspaceIds: (string | undefined)[];
  personId?: string;
}

/** Closes the browser and app server a test file opened, and removes its workspaces and person. */
export async function cleanUpBrowserTest(parts: BrowserTestParts): Promise<void> {
  await parts.browser?.close();
  await parts.app?.close();
  const workspaces = parts.workspaceIds.filter((id): id is string => Boolean(id));
  if (workspaces.length) await parts.sql`delete from public.workspaces where id in ${parts.sql(workspaces)}`;
  if (parts.personId) await parts.sql`delete from auth.users where id = ${parts.personId}`;
  await parts.sql.end();
}
