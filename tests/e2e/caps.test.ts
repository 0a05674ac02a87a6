import { readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppServer } from '../../supabase/local/appServer.ts';
import { closeToasts, openTab, plain, screen, shows, signInThroughUi, toastMessage } from '../support/appDriver.ts';
import { serveTestApp } from '../support/appServer.ts';
import { seriousAxeViolations } from '../support/axe.ts';
import { addEvents, cappedOffer, capTeam, refreshCaps, usageOf, type CapTeam, type EventFact } from '../support/caps.ts';
import { cleanUpBrowserTest, launchChromium, newAppContext, type devices } from '../support/browser.ts';
import { db, stack } from '../support/clients.ts';
import { createUser, signIn, testPassword, type TestUser } from '../support/users.ts';

/**
 * The caps screens (#15) in a real Chromium: a daily cap in Moscow's days, counted at a fixed
 * moment (12:00 MSK on 4 May 2026) over two weeks of history, so its forecast runs out in the
 * afternoon. The monitor shows it on a phone in Russian with its progress and ETA in the cap's
 * zone (the people's own zone is another); the tablet's table filters and exports; an
 * affiliate manager raises the cap with a reason (row and history change); a media buyer
 * cannot; the summary lists it among the caps that need attention; with the API down the last
 * list stays, marked, and an action is refused in words.
 */
const sql = db();
const clientIp = { apiUrl: stack.apiUrl, ip: '203.0.113.216' };
const capZone = 'Europe/Moscow';
// The people's zone, not the cap's: the cap's numbers must name Moscow all the same.
const personZone = 'Asia/Almaty';
const countedAt = '2026-05-04T09:00:00Z';
const moscowMidnight = (day: string) => Date.parse(`${day}T00:00:00+03:00`);
let app: AppServer;
let browser: Browser;
let manager: TestUser;
let buyer: TestUser;
let team: CapTeam;
let offerId = '';
let otherOfferId = '';

/** `count` conversions of `twOfferId` spread evenly over the Moscow day `day`, the first `spacingMinutes` / 2 after midnight. */
function day(twOfferId: string, dayText: string, count: number, spacingMinutes: number): EventFact[] {
  return Array.from({ length: count }, (_, i) => ({ twOfferId, time: new Date(moscowMidnight(dayText) + (i + 0.5) * spacingMinutes * 60_000).toISOString() }));
}

/**
 * Counts the caps again at the fixed moment, with no cap action of an earlier test left. The
 * stack's cron job recounts every workspace at the real now every 5 minutes: the count is made
 * right after a run, so a test has minutes before the next.
 */
async function countAtFixedMoment(): Promise<void> {
  const toNextRun = 300_000 - (Date.now() % 300_000);
  if (toNextRun < 150_000) {
    const boundary = new Date(Date.now() + toNextRun);
    await new Promise((resolve) => setTimeout(resolve, toNextRun + 2_000));
    await expect
      .poll(async () => (await sql`select 1 from cron.job_run_details where command = 'select private.refresh_all_cap_usage()' and start_time >= ${boundary} and end_time is not null`).length, { timeout: 60_000 })
      .toBeGreaterThan(0);
  }
  await sql`delete from public.cap_actions where workspace_id = ${team.workspace}`;
  await refreshCaps(sql, team, countedAt);
}

const monitor = (page: Page) => screen(page, 'caps');
const capCard = (page: Page, offer: string) => monitor(page).locator(`.caps-list [data-cap="${offer}/"]`);
const tableRow = (page: Page, offer: string) => monitor(page).locator(`.caps-table [data-cap="${offer}/"]`);

async function pick(page: Page, filter: 'status' | 'program', label: string): Promise<void> {
  await monitor(page).locator(`ion-select[data-filter="${filter}"]`).click();
  const popover = page.locator('ion-popover:not(.overlay-hidden)');
  await popover.locator('ion-radio').getByText(label, { exact: true }).click();
  await popover.waitFor({ state: 'detached' });
}

async function expectNoSeriousViolations(page: Page, name: string): Promise<void> {
  // Mid-transition the page is partly transparent, which axe would count against contrast.
  await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running'));
  expect(await seriousAxeViolations(page, screen(page, name))).toEqual([]);
}

async function open(device: keyof typeof devices, person: TestUser, locale: string, path: string): Promise<Page> {
  const context = await newAppContext(browser, { device, locale, clientIp });
  const page = await context.newPage();
  await signInThroughUi(page, person, app.url, testPassword);
  await page.goto(`${app.url}${path}`);
  return page;
}

/** The ETA the database forecast, as a Moscow clock. */
async function expectedEta(): Promise<string> {
  const [row] = await usageOf(sql, offerId);
  if (!row?.runs_out_at) throw new Error('no forecast');
  return new Intl.DateTimeFormat('ru', { timeZone: capZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(row.runs_out_at));
}

beforeAll(async () => {
  [app, browser] = await Promise.all([serveTestApp(stack), launchChromium()]);
  [manager, buyer] = await Promise.all([createUser(sql, 'caps-manager'), createUser(sql, 'caps-buyer')]);
  team = await capTeam(sql, 'Caps Team', capZone);
  await sql`insert into public.workspace_members (workspace_id, user_id, role) values (${team.workspace}, ${manager.id}, 'affiliate_manager'), (${team.workspace}, ${buyer.id}, 'media_buyer')`;
  await sql`update public.profiles set time_zone = ${personZone} where user_id in (${manager.id}, ${buyer.id})`;
  ({ offer: offerId } = await cappedOffer(sql, team, 'CASINO-1', { cap_limit: 20, period: 'day' }));
  ({ offer: otherOfferId } = await cappedOffer(sql, team, 'BET-2', { cap_limit: 100, period: 'day' }));
  // Two weeks of 20 a day, evenly through Moscow's days; on the counted day 16 by 11:37.
  const history = Array.from({ length: 14 }, (_, i) => new Date(moscowMidnight('2026-04-20') + i * 86_400_000 + 3 * 3_600_000).toISOString().slice(0, 10));
  await addEvents(sql, team, [...history.flatMap((d) => day('casino-1', d, 20, 72)), ...day('casino-1', '2026-05-04', 16, 45), ...day('bet-2', '2026-05-04', 5, 60)]);
}, 120_000);

afterAll(async () => {
  await sql`delete from auth.users where id = ${buyer?.id ?? null}`;
  if (team) await sql`delete from public.workspaces where id = ${team.workspace}`;
  await cleanUpBrowserTest({ browser, app, sql, workspaceIds: [], personId: manager?.id });
});

describe('the caps monitor', () => {
  it("on a phone in Russian: the cap at 80 % first, with its progress, Moscow's day and the ETA; the manager raises it with a reason", async () => {
    await countAtFixedMoment();
    const eta = await expectedEta();
    const page = await open('phone', manager, 'ru-RU', '/app/caps');
    await shows(capCard(page, offerId));
    const order = await monitor(page).locator('.caps-list [data-cap]').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-cap')));
    expect(order).toEqual([`${offerId}/`, `${otherOfferId}/`]);
    const text = plain(await capCard(page, offerId).innerText());
    expect(text).toContain('CASINO-1 offer');
    expect(text).toContain('Caps Team program');
    expect(text).toContain('Внимание');
    expect(text).toContain('80 % · 16 из 20 (конверсии)');
    expect(text).toContain('Сутки 4 мая, время Europe/Moscow');
    expect(text).toMatch(new RegExp(`Закончится ≈ в ${eta} \\(Europe/Moscow\\), уверенность (высокая|средняя|низкая)`));
    expect(await capCard(page, offerId).locator('ion-progress-bar').evaluate((bar) => (bar as unknown as { value: unknown }).value)).toBe(0.8);
    await expectNoSeriousViolations(page, 'caps');

    await capCard(page, offerId).locator('[data-action="cap-actions"]').click();
    const form = page.locator('ion-modal[data-modal="cap-action"]');
    await shows(form);
    await form.locator('input[name="newLimit"]').fill('30');
    await form.locator('[data-action="submit-cap-action"]').click();
    expect(plain(await form.locator('[data-cap-problem]').innerText())).toBe('Укажите причину — без неё нельзя.');
    await form.locator('textarea[name="reason"]').fill('Партнёрка подняла кап до 30 на сегодня');
    await form.locator('[data-action="submit-cap-action"]').click();
    expect(await toastMessage(page)).toBe('Кап поднят.');
    await expect.poll(async () => plain(await capCard(page, offerId).innerText())).toContain('16 из 30 (конверсии)');
    expect(plain(await capCard(page, offerId).innerText())).toContain('В норме');
    const [action] = await sql`select action, reason, new_limit::float8 as new_limit, actor from public.cap_actions where offer_id = ${offerId}`;
    expect(action).toEqual({ action: 'raise', reason: 'Партнёрка подняла кап до 30 на сегодня', new_limit: 30, actor: manager.id });
    await closeToasts(page);

    // The offer card's Caps tab: the row and who raised it, why.
    await capCard(page, offerId).locator('[data-action="open-offer"]').click();
    await page.waitForURL(`**/app/offers/${offerId}`);
    await openTab(page, 'offer', 'caps');
    const caps = screen(page, 'offer').locator('[data-offer="caps"]');
    await shows(caps.locator('[data-cap-history="raise"]'));
    expect(plain(await caps.locator(`[data-cap="${offerId}/"]`).innerText())).toContain('16 из 30');
    const history = plain(await caps.locator('[data-cap-history="raise"]').innerText());
    expect(history).toContain('Поднять · caps-manager,');
    expect(history).toContain('лимит 20 → 30');
    expect(history).toContain('Партнёрка подняла кап до 30 на сегодня');
    await expectNoSeriousViolations(page, 'offer');
    await page.context().close();
  }, 240_000);

  it('on a tablet in English: the table filters by status, program and offer, and exports what it shows', async () => {
    await countAtFixedMoment();
    const page = await open('tablet', manager, 'en-US', '/app/caps');
    await shows(tableRow(page, offerId));
    await shows(tableRow(page, otherOfferId));
    const row = plain(await tableRow(page, offerId).innerText());
    expect(row).toContain('Warning');
    expect(row).toContain('80% · 16 of 20 (conversions)');
    expect(row).toContain('Day of 4 May, Europe/Moscow time');
    expect(row).toMatch(/Runs out ≈ \d\d:\d\d \(Europe\/Moscow\), confidence (high|medium|low)/);
    await expectNoSeriousViolations(page, 'caps');

    const search = monitor(page).locator('ion-input[data-filter="search"] input');
    await search.fill('bet');
    await expect.poll(() => monitor(page).locator('.caps-table [data-cap]').count()).toBe(1);
    await shows(tableRow(page, otherOfferId));
    await search.fill('');
    await expect.poll(() => monitor(page).locator('.caps-table [data-cap]').count()).toBe(2);

    await pick(page, 'status', 'Warning');
    await expect.poll(() => monitor(page).locator('.caps-table [data-cap]').count()).toBe(1);
    await pick(page, 'status', 'All');
    await pick(page, 'program', 'Caps Team program');
    await expect.poll(() => monitor(page).locator('.caps-table [data-cap]').count()).toBe(2);
    await pick(page, 'status', 'Warning');
    await expect.poll(() => monitor(page).locator('.caps-table [data-cap]').count()).toBe(1);
    await shows(tableRow(page, offerId));

    const [file] = await Promise.all([page.waitForEvent('download'), monitor(page).locator('[data-action="export-caps"]').click()]);
    expect(file.suggestedFilename()).toMatch(/^caps_\d{4}-\d{2}-\d{2}\.csv$/);
    const lines = (await readFile(await file.path(), 'utf8')).replace(/^\ufeff/, '').split('\r\n').filter(Boolean);
    expect(lines[0]).toBe('Offer,Code,GEO,Program,Status,Used,Limit,Share used,Period,Time zone,Runs out,Confidence,Spend at risk,Currency');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(/^CASINO-1 offer,CASINO-1,whole offer,Caps Team program,Warning,16,20,0\.8,"Day of 4 May, Europe\/Moscow time",Europe\/Moscow,2026-05-04 \d\d:\d\d,(high|medium|low),/);
    expect(lines[2]).toBe('Caps: 1,,,,,,,,,,,,,');
    await page.context().close();
  }, 240_000);

  it('a media buyer sees the caps but no actions, and why', async () => {
    await countAtFixedMoment();
    const page = await open('phone', buyer, 'ru-RU', '/app/caps');
    await shows(capCard(page, offerId));
    expect(await monitor(page).locator('[data-action="cap-actions"]').count()).toBe(0);
    expect(plain(await monitor(page).locator('[data-caps="cannot-act"]').innerText())).toBe(
      'Поднимать, сбрасывать и ставить капы на паузу могут только аффилиат-менеджеры и администраторы.',
    );
    await expectNoSeriousViolations(page, 'caps');
    // The server refuses a buyer all the same, in words the app puts in Russian.
    const { error } = await (await signIn(buyer, clientIp.ip)).rpc('cap_action', { offer: offerId, action: 'raise', reason: 'why not', new_limit: 50 });
    expect(error?.code).toBe('42501');
    await page.context().close();
  }, 240_000);

  it('the summary lists the caps that need attention and leads to the monitor', async () => {
    await countAtFixedMoment();
    const page = await open('phone', manager, 'ru-RU', '/app/summary');
    const block = screen(page, 'summary').locator('[data-summary="caps"]');
    await shows(block, 20_000);
    expect(plain(await block.locator('h2').innerText())).toBe('Капы, требующие внимания');
    expect(await block.locator('[data-cap]').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-cap')))).toEqual([`${offerId}/`]);
    expect(plain(await block.innerText())).toContain('80 % · 16 из 20');
    await expectNoSeriousViolations(page, 'summary');
    await block.locator('[data-action="open-caps"]').click();
    await page.waitForURL('**/app/caps');
    await shows(capCard(page, offerId));
    await page.context().close();
  }, 240_000);

  it('with the API down keeps the last list marked "offline, as of" and refuses an action in words', async () => {
    await countAtFixedMoment();
    const page = await open('phone', manager, 'ru-RU', '/app/caps');
    await shows(capCard(page, offerId));

    await page.route(`${stack.apiUrl}/**`, (route) => route.abort('connectionrefused'));
    await page.reload();
    await shows(capCard(page, offerId), 20_000);
    const note = monitor(page).locator('[data-note="offline"]');
    await shows(note, 20_000);
    expect(plain(await note.innerText())).toMatch(/^Нет связи: капы на \d\d:\d\d \(Asia\/Almaty\)$/);
    expect(plain(await capCard(page, offerId).innerText())).toContain('80 % · 16 из 20');
    await closeToasts(page);

    await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running'));
    await capCard(page, offerId).locator('[data-action="cap-actions"]').click();
    const form = page.locator('ion-modal[data-modal="cap-action"]');
    await shows(form);
    await form.locator('input[name="newLimit"]').fill('25');
    await form.locator('textarea[name="reason"]').fill('Договорились');
    await form.locator('[data-action="submit-cap-action"]').click();
    await shows(form.locator('[data-cap-problem]'));
    expect(plain(await form.locator('[data-cap-problem]').innerText())).toBe('Сейчас нельзя изменить кап: нет связи с сервером. Попробуйте, когда связь вернётся.');
    expect(await sql`select 1 from public.cap_actions where offer_id = ${offerId}`).toHaveLength(0);
    await expectNoSeriousViolations(page, 'caps');
    await page.context().close();
  }, 240_000);
});
