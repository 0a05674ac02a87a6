import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppServer } from '../../supabase/local/appServer.ts';
import { closeToasts, plain, screen, shows, signInThroughUi, toastMessage } from '../support/appDriver.ts';
import { serveTestApp } from '../support/appServer.ts';
import { seriousAxeViolations } from '../support/axe.ts';
import { cleanUpBrowserTest, launchChromium, newAppContext, type devices } from '../support/browser.ts';
import { db, stack } from '../support/clients.ts';
import { createUser, testPassword, type TestUser } from '../support/users.ts';

/**
 * The alert centre (#15) in a real Chromium, on a phone and a tablet, in Russian and English:
 * a load failing while the app is open reaches the bell live; the centre words it with its
 * file and error in the person's zone; a media buyer acknowledges it, a read-only member
 * cannot; tapping opens the load; with the API down the last list stays, marked, and
 * acknowledging says it cannot be done now. Alerts are raised with explicit moments.
 */
const sql = db();
const clientIp = { apiUrl: stack.apiUrl, ip: '203.0.113.215' };
// Far from UTC, so a moment shown in UTC (or the machine's zone) would be caught.
const timeZone = 'Europe/Moscow';
const failedAt = new Date('2026-05-04T06:00:00Z');
const loadError = 'Line 7: the date 31.02.2026 does not exist';
let app: AppServer;
let browser: Browser;
let buyer: TestUser;
let reader: TestUser;
let workspaceId = '';

const moment = (at: Date, language: 'ru' | 'en') =>
  plain(new Intl.DateTimeFormat(language, { timeZone, day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' }).format(at));

/** The offline note for each minute from `from` to `to`, as the app writes when the list it keeps was fetched. */
function asOfNotes(from: number, to: number): string[] {
  const clock = new Intl.DateTimeFormat('ru', { timeZone, hour: '2-digit', minute: '2-digit' });
  const notes = new Set<string>();
  for (let at = from; at < to + 60_000; at += 60_000) notes.add(`Нет связи: список на ${plain(clock.format(Math.min(at, to)))} (Europe/Moscow)`);
  return [...notes];
}

/** A load that was running and fails now, at `failedAt`: the trigger raises its alert. */
async function failLoad(fileName: string): Promise<string> {
  const [row] = await sql<{ id: string }[]>`
    insert into public.etl_loads (workspace_id, source, file_name, status, created_by, started_at)
    values (${workspaceId}, 'tw_events', ${fileName}, 'running', ${buyer.id}, ${new Date(failedAt.getTime() - 60_000)}) returning id`;
  const loadId = row?.id ?? '';
  await sql`update public.etl_loads set status = 'failed', finished_at = ${failedAt}, error_summary = ${loadError} where id = ${loadId}`;
  return loadId;
}

/** Resolves once the page's alerts channel is subscribed to the table's changes (the stack says so on the socket). */
function alertsSubscribed(page: Page): Promise<void> {
  return new Promise((resolve) => {
    page.on('websocket', (socket) => {
      socket.on('framereceived', ({ payload }) => {
        const frame = typeof payload === 'string' ? payload : payload.toString();
        if (frame.includes('realtime:alerts-') && frame.includes('Subscribed to PostgreSQL')) resolve();
      });
    });
  });
}

const bell = (page: Page, screenName: string) => screen(page, screenName).locator('ion-button.alert-bell');
const card = (page: Page, alertId: string) => screen(page, 'alerts').locator(`[data-alert="${alertId}"]`);

async function alertOf(loadId: string): Promise<string> {
  const [row] = await sql<{ id: string }[]>`select id from public.alerts where subject_type = 'load' and subject_id = ${loadId}`;
  return row?.id ?? '';
}

async function expectNoSeriousViolations(page: Page): Promise<void> {
  // Mid-transition the page is partly transparent, which axe would count against contrast.
  await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running'));
  expect(await seriousAxeViolations(page, screen(page, 'alerts'))).toEqual([]);
}

async function open(device: keyof typeof devices, person: TestUser, locale: string): Promise<{ page: Page; subscribed: Promise<void> }> {
  const context = await newAppContext(browser, { device, locale, clientIp });
  const page = await context.newPage();
  const subscribed = alertsSubscribed(page);
  await signInThroughUi(page, person, app.url, testPassword);
  return { page, subscribed };
}

beforeAll(async () => {
  [app, browser] = await Promise.all([serveTestApp(stack), launchChromium()]);
  [buyer, reader] = await Promise.all([createUser(sql, 'alerts-buyer'), createUser(sql, 'alerts-reader')]);
  const [row] = await sql<{ id: string }[]>`insert into public.workspaces (name, created_by) values ('Alerts Team', ${buyer.id}) returning id`;
  workspaceId = row?.id ?? '';
  await sql`insert into public.workspace_members (workspace_id, user_id, role) values (${workspaceId}, ${buyer.id}, 'media_buyer'), (${workspaceId}, ${reader.id}, 'read_only')`;
  await sql`update public.profiles set time_zone = ${timeZone} where user_id in (${buyer.id}, ${reader.id})`;
}, 120_000);

afterAll(async () => {
  if (reader) await sql`delete from auth.users where id = ${reader.id}`;
  await cleanUpBrowserTest({ browser, app, sql, workspaceIds: [workspaceId], personId: buyer?.id });
});

describe('the alert centre', () => {
  it('on a phone in Russian: a failed load reaches the bell live; the buyer reads, acknowledges and opens it', async () => {
    await sql`delete from public.alerts where workspace_id = ${workspaceId}`;
    const { page, subscribed } = await open('phone', buyer, 'ru-RU');
    await expect.poll(() => bell(page, 'summary').getAttribute('data-alert-count')).toBe('0');
    await subscribed;

    const loadId = await failLoad('march-conversions.csv');
    const alertId = await alertOf(loadId);
    await expect.poll(() => bell(page, 'summary').getAttribute('data-alert-count'), { timeout: 15_000 }).toBe('1');
    expect(await bell(page, 'summary').getAttribute('aria-label')).toBe('Алерты: ждут реакции — 1');

    await bell(page, 'summary').click();
    await shows(card(page, alertId));
    const text = plain(await card(page, alertId).innerText());
    expect(text).toContain('Загрузка не удалась: march-conversions.csv');
    expect(text).toContain(`Конверсии TrafficWave: ${loadError}`);
    expect(text).toContain(`Сработал ${moment(failedAt, 'ru')}`);
    expect(text).toContain('Внимание · активен');
    await shows(screen(page, 'alerts').getByText('Время в вашем часовом поясе: Europe/Moscow.'));
    await expectNoSeriousViolations(page);

    await card(page, alertId).locator('[data-action="acknowledge"]').click();
    await shows(card(page, alertId).locator('[data-alert="acknowledged"]').getByText('Принят: alerts-buyer,', { exact: false }));
    await expect.poll(() => bell(page, 'alerts').getAttribute('data-alert-count')).toBe('0');
    expect(await card(page, alertId).locator('[data-action="acknowledge"]').count()).toBe(0);
    const [stored] = await sql`select acknowledged_by, acknowledged_at from public.alerts where id = ${alertId}`;
    expect(stored?.acknowledged_by).toBe(buyer.id);
    const acknowledgedAt = stored?.acknowledged_at as Date;
    expect(plain(await card(page, alertId).locator('[data-alert="acknowledged"]').innerText())).toBe(`Принят: alerts-buyer, ${moment(acknowledgedAt, 'ru')}`);

    await card(page, alertId).locator('[data-action="open-alert"]').click();
    await page.waitForURL(`**/app/loads/${loadId}`);
    await shows(screen(page, 'load').locator('.load-file').getByText('march-conversions.csv'));
    // The bell is on this screen too.
    await shows(bell(page, 'load'));
    await page.context().close();
  }, 120_000);

  it('on a tablet in English: a read-only member sees firing and recently resolved alerts but cannot acknowledge', async () => {
    await sql`delete from public.alerts where workspace_id = ${workspaceId}`;
    const loadId = await failLoad('april-conversions.csv');
    const alertId = await alertOf(loadId);
    // Stale clicks that came back an hour ago: resolved, so listed after the firing ones.
    await sql`select private.raise_alert(${workspaceId}, 'data_stale', 'warning', 'source', 'tw_clicks',
      jsonb_build_object('source', 'tw_clicks', 'last_load_at', ${failedAt}::timestamptz, 'hours', 26), null, now() - interval '3 hours')`;
    await sql`select private.resolve_alert(${workspaceId}, 'data_stale', 'source', 'tw_clicks', now() - interval '1 hour')`;
    const [stale] = await sql<{ id: string; resolved_at: Date }[]>`select id, resolved_at from public.alerts where workspace_id = ${workspaceId} and kind = 'data_stale'`;
    const { page } = await open('tablet', reader, 'en-US');
    await shows(bell(page, 'summary'));
    await expect.poll(() => bell(page, 'summary').getAttribute('data-alert-count')).toBe('1');
    await bell(page, 'summary').click();
    await shows(card(page, alertId));

    const text = plain(await card(page, alertId).innerText());
    expect(text).toContain('Load failed: april-conversions.csv');
    expect(text).toContain(`TrafficWave conversions: ${loadError}`);
    expect(text).toContain(`Fired ${moment(failedAt, 'en')}`);
    expect(text).toContain('Nobody has acknowledged it yet.');
    expect(await screen(page, 'alerts').locator('[data-action="acknowledge"]').count()).toBe(0);
    await shows(screen(page, 'alerts').getByText('Read-only members see alerts but cannot acknowledge them.'));

    const resolvedCard = card(page, stale?.id ?? '');
    expect(await resolvedCard.getAttribute('data-alert-status')).toBe('resolved');
    const resolvedText = plain(await resolvedCard.innerText());
    expect(resolvedText).toContain(`No new data from TrafficWave clicks since ${moment(failedAt, 'en')}`);
    expect(resolvedText).toContain(`Resolved ${moment(stale?.resolved_at ?? new Date(), 'en')}`);
    // Firing first, then resolved.
    const order = await screen(page, 'alerts').locator('[data-alert-status]').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-alert-status')));
    expect(order).toEqual(['firing', 'resolved']);
    await expectNoSeriousViolations(page);

    // Stale data opens the load history for someone who does not upload.
    await resolvedCard.locator('[data-action="open-alert"]').click();
    await page.waitForURL('**/app/loads');
    await page.context().close();
  }, 120_000);

  it('on a tablet in English: cap alerts of one program come together under its name, worded from their params, and open their offer', async () => {
    await sql`delete from public.alerts where workspace_id = ${workspaceId}`;
    // A retry starts over, without the offers and program of the first try.
    await sql`delete from public.offers where workspace_id = ${workspaceId}`;
    await sql`delete from public.affiliate_programs where workspace_id = ${workspaceId}`;
    const [program] = await sql<{ id: string }[]>`insert into public.affiliate_programs (workspace_id, name) values (${workspaceId}, 'Nova Partners') returning id`;
    const programId = program?.id ?? '';
    const offers = await sql<{ id: string; code: string }[]>`
      insert into public.offers (workspace_id, code, name, program_id) values (${workspaceId}, 'NOVA-1', 'Nova one', ${programId}), (${workspaceId}, 'NOVA-2', 'Nova two', ${programId})
      returning id, code`;
    const offerId = (code: string) => offers.find((o) => o.code === code)?.id ?? '';
    // What the cap model is expected to send (its params may grow): the group's name comes from the program itself.
    const raise = async (kind: string, severity: string, code: string, params: Record<string, unknown>, at: string) => {
      const [row] = await sql<{ id: string }[]>`
        select (private.raise_alert(${workspaceId}, ${kind}, ${severity}, 'offer', ${offerId(code)}, ${JSON.stringify(params)}::text::jsonb, ${programId}, ${at})).id`;
      return row?.id ?? '';
    };
    const forecastId = await raise('cap_forecast', 'warning', 'NOVA-2', { offer: 'NOVA-2', eta: '2026-05-06T12:00:00Z' }, '2026-05-04T11:00:00Z');
    const capId = await raise('cap', 'critical', 'NOVA-1', { offer: 'NOVA-1', percent: 96, used: 480, limit: 500, first_day: '2026-05-01', last_day: '2026-05-31' }, '2026-05-04T10:00:00Z');

    const { page } = await open('tablet', buyer, 'en-US');
    await bell(page, 'summary').click();
    const group = screen(page, 'alerts').locator(`[data-alert-group="${programId}"]`);
    await shows(group.locator(`[data-alert="${capId}"]`));
    expect(plain(await group.locator('.alert-group-name').innerText())).toMatch(/^Nova Partners · \d alerts$/);
    const order = await group.locator('ion-card[data-alert]').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-alert')));
    expect(order.filter((id) => id === capId || id === forecastId)).toEqual([capId, forecastId]);
    const capText = plain(await card(page, capId).innerText());
    expect(capText).toContain('NOVA-1: 96% of the cap used');
    expect(capText).toContain('480 of 500 for May 1st, 2026 – May 31st, 2026.');
    expect(capText).toContain('Critical · firing');
    expect(plain(await card(page, forecastId).innerText())).toContain(`NOVA-2 will reach its cap by ${moment(new Date('2026-05-06T12:00:00Z'), 'en')}`);
    await expectNoSeriousViolations(page);

    await card(page, capId).locator('[data-action="open-alert"]').click();
    await page.waitForURL(`**/app/offers/${offerId('NOVA-1')}`);
    await shows(screen(page, 'offer'));
    await page.context().close();
  }, 120_000);

  it('with the API down, keeps the last list marked "offline, as of" and says an acknowledgement cannot be made now', async () => {
    await sql`delete from public.alerts where workspace_id = ${workspaceId}`;
    const loadId = await failLoad('may-conversions.csv');
    const alertId = await alertOf(loadId);
    const fetchedFrom = Date.now();
    const { page } = await open('phone', buyer, 'ru-RU');
    await bell(page, 'summary').click();
    await shows(card(page, alertId));

    // The list kept is the last one fetched before the API went away.
    const fetchedBy = Date.now();
    await page.route(`${stack.apiUrl}/**`, (route) => route.abort('connectionrefused'));
    await page.reload();
    await shows(card(page, alertId), 20_000);
    const note = screen(page, 'alerts').locator('[data-note="offline"]');
    await shows(note, 20_000);
    expect(asOfNotes(fetchedFrom, fetchedBy)).toContain(plain(await note.innerText()));
    expect(await bell(page, 'alerts').getAttribute('data-alert-count')).toBe('1');
    await closeToasts(page);

    await card(page, alertId).locator('[data-action="acknowledge"]').click();
    expect(await toastMessage(page)).toBe('Принять сейчас нельзя: нет связи с сервером. Попробуйте, когда связь вернётся.');
    const [stored] = await sql`select acknowledged_at from public.alerts where id = ${alertId}`;
    expect(stored?.acknowledged_at).toBeNull();
    await expectNoSeriousViolations(page);

    // Once the API answers again the list is fetched and the note goes.
    await page.unrouteAll();
    await note.waitFor({ state: 'detached', timeout: 30_000 });
    await shows(card(page, alertId));
    await page.context().close();
  }, 120_000);
});
