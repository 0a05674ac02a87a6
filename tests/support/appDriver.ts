import type { Locator, Page } from 'playwright-core';

/**
 * Steps through the app as a person does. Ionic keeps left pages in the DOM (hidden), so
 * lookups go through the page on screen.
 */
export function screen(page: Page, name: string): Locator {
  return page.locator(`.ion-page[data-page="${name}"]:not(.ion-page-hidden)`);
}

export async function shows(locator: Locator, timeout = 10_000): Promise<void> {
  await locator.first().waitFor({ state: 'visible', timeout });
}

/** The message of the toast on screen (Ionic renders it in the toast's shadow root, which locators pierce). */
/** Opens a screen's tab (an ion-segment-button with data-tab) and waits for its body (data-tab-body). */
export async function openTab(page: Page, screenName: string, tab: string): Promise<Locator> {
  const on = screen(page, screenName);
  await on.locator(`ion-segment-button[data-tab="${tab}"]`).click();
  const body = on.locator(`[data-tab-body="${tab}"]`);
  await shows(body);
  return body;
}

export async function toastMessage(page: Page, timeout = 15_000): Promise<string> {
  const message = page.locator('ion-toast .toast-message').filter({ visible: true }).last();
  await message.waitFor({ state: 'visible', timeout });
  return (await message.innerText()).trim();
}

/** Closes the toasts on screen with their Close button, as a person would. */
export async function closeToasts(page: Page): Promise<void> {
  const open = page.locator('ion-toast:not(.overlay-hidden)');
  for (let tries = 0; tries < 10 && (await open.count()) > 0; tries += 1) {
    // A toast may time out and leave while the click is on its way; the loop looks again.
    await open.first().locator('button.toast-button-cancel').click({ timeout: 2_000 }).catch(() => undefined);
    await page.waitForTimeout(250);
  }
}

/** Intl puts (narrow) no-break spaces in numbers and times; compare them as plain spaces. */
export const plain = (text: string) => text.replace(/[\s\u00a0\u202f]+/g, ' ').trim();

/** US dollars as the app writes them in `locale`, with plain spaces. */
export const usd = (value: number, locale: 'ru' | 'en') => plain(new Intl.NumberFormat(locale, { style: 'currency', currency: 'USD', maximumFractionDigits: 2 }).format(value));

export async function fillIn(page: Page, screenName: string, field: string, value: string): Promise<void> {
  await screen(page, screenName).locator(`input[name="${field}"]`).fill(value);
}

export async function submit(page: Page, screenName: string): Promise<void> {
  await screen(page, screenName).locator('ion-button[type="submit"]').click();
}

/** Signs in on the sign-in screen and waits for the summary. */
export async function signInThroughUi(page: Page, user: { email: string }, appUrl: string, password: string): Promise<void> {
  await page.goto(`${appUrl}/sign-in`);
  await shows(screen(page, 'sign-in'));
  await fillIn(page, 'sign-in', 'email', user.email);
  await fillIn(page, 'sign-in', 'password', password);
  await submit(page, 'sign-in');
  await page.waitForURL('**/app/summary', { timeout: 15_000 });
  await shows(screen(page, 'summary'));
}
