import { chromium, type Browser, type BrowserContext, type LaunchOptions } from 'playwright-core';

/** Debian's Chromium (`apt-get install chromium`); Playwright never downloads a browser here. */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Headless Chromium without background traffic; each launch gets a fresh temporary profile from Playwright. */
export function chromiumLaunchOptions(): LaunchOptions {
  return {
    executablePath: chromiumPath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run'],
  };
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch(chromiumLaunchOptions());
}

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
}

export async function newAppContext(browser: Browser, options: AppContextOptions): Promise<BrowserContext> {
  const context = await browser.newContext({
    ...devices[options.device],
    locale: options.locale ?? 'ru-RU',
    serviceWorkers: options.serviceWorkers ?? 'block',
    colorScheme: options.colorScheme ?? 'light',
    deviceScaleFactor: options.deviceScaleFactor ?? 1,
  });
  const clientIp = options.clientIp;
  if (clientIp) {
    await context.route(`${clientIp.apiUrl}/auth/v1/**`, (route) =>
      route.continue({ headers: { ...route.request().headers(), 'x-forwarded-for': clientIp.ip } }),
    );
  }
  return context;
}
