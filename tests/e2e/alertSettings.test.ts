import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppServer } from '../../supabase/local/appServer.ts';
import { closeToasts, openTab, plain, screen, shows, signInThroughUi, toastMessage } from '../support/appDriver.ts';
import { serveTestApp } from '../support/appServer.ts';
import { seriousAxeViolations } from '../support/axe.ts';
import { cleanUpBrowserTest, launchChromium, newAppContext, type devices } from '../support/browser.ts';
import { db, stack } from '../support/clients.ts';
import { createUser, testPassword, type TestUser } from '../support/users.ts';

/**
 * The notification settings (#15) in a real Chromium, on a phone and a tablet, in Russian and
 * English: a media buyer's rule reaches alert_rules and decides the outbox of the next alert,
 * and goes back to the role's default; a silence added from an alert card holds the next
 * alert's notifications and is lifted from the settings; an admin sets the Slack channel (the
 * webhook shown masked after saving) and the workspace's escalation and "no new data" hours,
 * which a buyer sees without a Slack section and a read-only member read-only; the cap-policy
 * form saves every new field and refuses warning ≥ critical; with the API down the last
 * settings stay, read-only, and a silence cannot be saved.
 */
const sql = db();
const clientIp = { apiUrl: stack.apiUrl, ip: '203.0.113.216' };
// Far from UTC, so a moment shown in UTC (or the machine's zone) would be caught.
const timeZone = 'Europe/Moscow';
let app: AppServer;
let browser: Browser;
let buyer: TestUser;
let admin: TestUser;
let reader: TestUser;
let workspaceId = '';

const settingsScreen = (page: Page) => screen(page, 'alert-settings');
const rule = (page: Page, kind: string) => settingsScreen(page).locator(`[data-rule="${kind}"]`);

async function open(device: keyof typeof devices, person: TestUser, locale: string): Promise<Page> {
  const context = await newAppContext(browser, { device, locale, clientIp });
  const page = await context.newPage();
  await signInThroughUi(page, person, app.url, testPassword);
  return page;
}

async function openSettings(page: Page): Promise<Locator> {
  await page.goto(`${app.url}/app/settings/alerts`);
  await shows(rule(page, 'cap'), 20_000);
  return settingsScreen(page);
}

async function expectNoSeriousViolations(page: Page, name: string): Promise<void> {
  // Mid-transition the page is partly transparent, which axe would count against contrast.
  await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running'));
  expect(await seriousAxeViolations(page, screen(page, name))).toEqual([]);
}

/**
 * Words that may stay Latin in Russian: names of zones, brands, and what people typed.
 * Anything else of three Latin letters or more is English left behind.
 */
function englishLeft(text: string, allowed: string[]): string[] {
  let rest = plain(text);
  for (const word of allowed) rest = rest.split(word).join(' ');
  return rest.match(/[A-Za-z]{3,}/g) ?? [];
}

/** Raises an alert as the server does, at an explicit moment; answers its id. */
async function raise(kind: string, severity: string, subjectType: string, subjectId: string, params: Record<string, unknown>, at: string): Promise<string> {
  const [row] = await sql<{ id: string }[]>`
    select (private.raise_alert(${workspaceId}, ${kind}, ${severity}, ${subjectType}, ${subjectId}, ${JSON.stringify(params)}::text::jsonb, null, ${at})).id`;
  return row?.id ?? '';
}

async function outboxOf(alertId: string, person: TestUser): Promise<{ channel: string; status: string }[]> {
  return sql<{ channel: string; status: string }[]>`
    select channel, status from public.alert_notifications where alert_id = ${alertId} and user_id = ${person.id} order by channel`;
}

beforeAll(async () => {
  [app, browser] = await Promise.all([serveTestApp(stack), launchChromium()]);
  [buyer, admin, reader] = await Promise.all([createUser(sql, 'notify-buyer'), createUser(sql, 'notify-admin'), createUser(sql, 'notify-reader')]);
  const [row] = await sql<{ id: string }[]>`insert into public.workspaces (name, created_by) values ('Notify Desk', ${admin.id}) returning id`;
  workspaceId = row?.id ?? '';
  await sql`insert into public.workspace_members (workspace_id, user_id, role) values
    (${workspaceId}, ${buyer.id}, 'media_buyer'), (${workspaceId}, ${admin.id}, 'admin'), (${workspaceId}, ${reader.id}, 'read_only')`;
  await sql`update public.profiles set time_zone = ${timeZone} where user_id in (${buyer.id}, ${admin.id}, ${reader.id})`;
}, 120_000);

afterAll(async () => {
  for (const person of [buyer, reader]) if (person) await sql`delete from auth.users where id = ${person.id}`;
  await cleanUpBrowserTest({ browser, app, sql, workspaceIds: [workspaceId], personId: admin?.id });
});

describe('notification settings', () => {
  it('on a phone in Russian: a buyer changes a rule, the next alert goes by it, and resets it to the role default', async () => {
    await sql`delete from public.alert_rules where workspace_id = ${workspaceId}`;
    await sql`delete from public.alerts where workspace_id = ${workspaceId}`;
    await sql`update public.profiles set quiet_hours_start = null, quiet_hours_end = null where user_id = ${buyer.id}`;
    const page = await open('phone', buyer, 'ru-RU');
    // Reached from Settings on the phone.
    await page.goto(`${app.url}/app/settings`);
    await screen(page, 'settings').locator('[data-link="alert-settings"]').click();
    await shows(rule(page, 'cap'), 20_000);
    const settings = settingsScreen(page);

    expect(await rule(page, 'cap').locator('[data-rule-source]').getAttribute('data-rule-source')).toBe('default');
    expect(plain(await rule(page, 'cap').locator('[data-rule-sentence]').innerText())).toBe('Внимание и выше: пуш в браузере, пуш в приложении и Телеграм.');
    expect(plain(await rule(page, 'payout_due').locator('[data-rule-sentence]').innerText())).toBe('Не отправляется: только в центре алертов.');
    // Telegram is not linked: the rule says so and leads to the profile.
    await shows(rule(page, 'cap').locator('[data-telegram="not-linked"]').getByText('привяжите его в профиле'));
    // A buyer: no Slack section; the workspace's settings read-only, with why.
    expect(await settings.locator('form[data-form="slack"]').count()).toBe(0);
    await shows(settings.locator('[data-read-only="workspace"]').getByText('Настройки алертов рабочего пространства меняют только администраторы.'));
    expect(await settings.locator('input[name="escalateMinutes"]').count()).toBe(0);
    await shows(settings.getByText('В вашем часовом поясе, Europe/Moscow', { exact: false }));
    await shows(settings.getByText('критичные приходят всегда', { exact: false }));
    expect(englishLeft(await settings.innerText(), ['Europe/Moscow', 'Europe Moscow', 'Notify Desk', 'notify-buyer', 'Slack'])).toEqual([]);
    // Nothing wider than the phone.
    expect(await settings.locator('.page-body').evaluate((body) => body.scrollWidth <= body.clientWidth)).toBe(true);
    await expectNoSeriousViolations(page, 'alert-settings');

    // Payouts: from info, by email only.
    const payout = rule(page, 'payout_due');
    await payout.locator('select[name="minSeverity"]').selectOption('info');
    await payout.locator('input[name="email"]').check();
    await payout.locator('[data-action="save-rule"]').click();
    expect(await toastMessage(page)).toBe('Сохранено.');
    await expect.poll(() => sql`select min_severity, channels from public.alert_rules where user_id = ${buyer.id} and kind = 'payout_due'`).toEqual([{ min_severity: 'info', channels: ['email'] }]);
    await shows(rule(page, 'payout_due').locator('[data-rule-source="own"]'));
    expect(plain(await rule(page, 'payout_due').locator('[data-rule-sentence]').innerText())).toBe('Информация и выше: почта.');

    // The next payout alert queues the buyer's email, and nothing else for them.
    const alertId = await raise('payout_due', 'info', 'program', '6f1c9a52-2f0e-4c55-9d2b-2a8d0b1e0a01', { program: 'Nova Partners' }, '2026-05-04T10:00:00Z');
    expect((await outboxOf(alertId, buyer)).map((n) => n.channel)).toEqual(['email']);

    // Back to the role's default: the own row goes.
    await closeToasts(page);
    await rule(page, 'payout_due').locator('[data-action="reset-rule"]').click();
    expect(await toastMessage(page)).toBe('Снова как у вашей роли.');
    await expect.poll(() => sql`select 1 from public.alert_rules where user_id = ${buyer.id}`).toHaveLength(0);
    await shows(rule(page, 'payout_due').locator('[data-rule-source="default"]'));

    // Quiet hours in the person's zone reach the profile.
    await settings.locator('input[name="quietStart"]').fill('23:00');
    await settings.locator('input[name="quietEnd"]').fill('08:00');
    await settings.locator('[data-action="save-quiet-hours"]').click();
    await expect.poll(() => sql`select quiet_hours_start::text, quiet_hours_end::text from public.profiles where user_id = ${buyer.id}`).toEqual([{ quiet_hours_start: '23:00:00', quiet_hours_end: '08:00:00' }]);
    await page.context().close();
  }, 120_000);

  it('on a tablet in English: a silence from an alert card holds the next alert, shows in the settings and is lifted', async () => {
    await sql`delete from public.alerts where workspace_id = ${workspaceId}`;
    await sql`delete from public.alert_silences where workspace_id = ${workspaceId}`;
    const offer = '5d6a3c1e-7a7b-4f4e-9e55-3b0c8e2f4a11';
    const capId = await raise('cap', 'warning', 'offer', offer, { offer: 'NOVA-1', percent: 85, used: 85, limit: 100 }, new Date(Date.now() - 3_600_000).toISOString());
    const page = await open('tablet', buyer, 'en-US');
    await page.goto(`${app.url}/app/alerts`);
    const card = screen(page, 'alerts').locator(`[data-alert="${capId}"]`);
    await shows(card, 20_000);
    await card.locator('[data-action="silence"]').click();
    const form = page.locator('ion-modal[data-modal="silence"] form[data-form="silence"]');
    await shows(form);
    expect(await form.locator('select[name="kind"]').inputValue()).toBe('cap');
    expect(await form.locator('input[name="withSubject"]').isChecked()).toBe(true);
    await shows(form.getByText('Only about NOVA-1'));
    await form.locator('select[name="preset"]').selectOption('1d');
    // The reason is required.
    await form.locator('[data-action="add-silence"]').click();
    await shows(form.getByText('Say why (up to 500 characters).'));
    await form.locator('textarea[name="reason"]').fill('The network raises the cap tomorrow');
    await form.locator('[data-action="add-silence"]').click();
    await form.waitFor({ state: 'detached' });
    const [silence] = await sql<{ id: string; kind: string; subject_id: string; length: string; until: Date }[]>`
      select id, kind, subject_id, (until - created_at)::text as length, until from public.alert_silences where workspace_id = ${workspaceId}`;
    expect(silence).toMatchObject({ kind: 'cap', subject_id: offer, length: '1 day' });

    // The same condition firing again is told to nobody: its rows are kept, marked silenced.
    await sql`select private.resolve_alert(${workspaceId}, 'cap', 'offer', ${offer}, now())`;
    const again = await raise('cap', 'warning', 'offer', offer, { offer: 'NOVA-1', percent: 86 }, new Date().toISOString());
    const held = await outboxOf(again, buyer);
    expect(held.length).toBeGreaterThan(0);
    expect(held.every((n) => n.status === 'silenced')).toBe(true);

    // In the settings: what, until when in the person's zone, why, who; the author lifts it.
    await closeToasts(page);
    const settings = await openSettings(page);
    const listed = settings.locator(`[data-silence="${silence?.id}"]`);
    await shows(listed);
    const until = plain(new Intl.DateTimeFormat('en', { timeZone, day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' }).format(silence?.until));
    expect(plain(await listed.innerText())).toContain('Cap thresholds · NOVA-1');
    expect(plain(await listed.innerText())).toContain(`Until ${until}`);
    expect(plain(await listed.innerText())).toContain('Reason: The network raises the cap tomorrow');
    expect(plain(await listed.innerText())).toContain('Added by notify-buyer');
    await shows(settings.locator('[data-section="silences"]').getByText('Times in your time zone: Europe/Moscow.'));
    await expectNoSeriousViolations(page, 'alert-settings');
    await listed.locator('[data-action="lift-silence"]').click();
    await expect.poll(() => sql`select 1 from public.alert_silences where workspace_id = ${workspaceId}`).toHaveLength(0);
    await listed.waitFor({ state: 'detached' });

    // A silence added here: a kind for 4 hours.
    await settings.locator('[data-action="new-silence"]').click();
    await shows(form);
    await form.locator('select[name="kind"]').selectOption('data_stale');
    await form.locator('select[name="preset"]').selectOption('custom');
    await form.locator('input[name="amount"]').fill('91');
    await form.locator('textarea[name="reason"]').fill('Clicks export is paused');
    await form.locator('[data-action="add-silence"]').click();
    await shows(form.getByText('A silence lasts at most 90 days.'));
    await form.locator('input[name="amount"]').fill('6');
    await form.locator('select[name="unit"]').selectOption('hours');
    await form.locator('[data-action="add-silence"]').click();
    await form.waitFor({ state: 'detached' });
    await expect.poll(() => sql`select kind, subject_id, (until - created_at)::text as length from public.alert_silences where workspace_id = ${workspaceId}`).toEqual([
      { kind: 'data_stale', subject_id: null, length: '06:00:00' },
    ]);
    await page.context().close();
  }, 120_000);

  it('on a tablet in English: an admin sets the Slack channel (masked once saved) and the workspace alert settings', async () => {
    await sql`delete from public.alert_slack where workspace_id = ${workspaceId}`;
    await sql`update public.workspaces set alert_escalate_after_minutes = 30, alert_repeat_after_minutes = 240, alert_stale_after_hours = 26 where id = ${workspaceId}`;
    const page = await open('tablet', admin, 'en-US');
    const settings = await openSettings(page);
    const slack = settings.locator('form[data-form="slack"]');
    await shows(slack);
    const url = 'https://hooks.slack.com/services/T0ARBI/B0DESK/s3cretWebhookToken42';
    await slack.locator('input[name="webhookUrl"]').fill('hooks.slack.com/no-scheme');
    await slack.locator('[data-action="save-slack"]').click();
    await shows(settings.locator('[data-problem="webhookUrl"]'));
    await slack.locator('input[name="webhookUrl"]').fill(url);
    await slack.locator('select[name="slackSeverity"]').selectOption('critical');
    await slack.locator('select[name="slackLocale"]').selectOption('en');
    await slack.locator('[data-action="save-slack"]').click();
    expect(await toastMessage(page)).toBe('Slack channel saved.');
    await expect.poll(() => sql`select webhook_url, min_severity, locale, time_zone, enabled from public.alert_slack where workspace_id = ${workspaceId}`).toEqual([
      { webhook_url: url, min_severity: 'critical', locale: 'en', time_zone: 'Europe/Moscow', enabled: true },
    ]);
    await shows(settings.locator('[data-webhook-hint]').getByText('https://hooks.slack.com/…en42'));
    expect(await settings.innerText()).not.toContain('s3cretWebhookToken');
    expect(await settings.locator('input[name="webhookUrl"]').inputValue()).toBe('');

    // Switched off without typing the URL again: the saved one stays.
    await slack.locator('input[name="slackEnabled"]').uncheck();
    await closeToasts(page);
    await slack.locator('[data-action="save-slack"]').click();
    expect(await toastMessage(page)).toBe('Slack channel saved.');
    await expect.poll(() => sql`select webhook_url, enabled from public.alert_slack where workspace_id = ${workspaceId}`).toEqual([{ webhook_url: url, enabled: false }]);

    const workspace = settings.locator('form[data-form="workspace-alerts"]');
    await workspace.locator('input[name="escalateMinutes"]').fill('0');
    await workspace.locator('[data-action="save-workspace-alerts"]').click();
    await shows(workspace.getByText('Enter whole minutes from 1 to 10080, or leave empty.'));
    await workspace.locator('input[name="escalateMinutes"]').fill('45');
    await workspace.locator('input[name="repeatMinutes"]').fill('10');
    await workspace.locator('[data-action="save-workspace-alerts"]').click();
    await shows(workspace.getByText('Enter whole minutes from 15 to 10080, or leave empty.'));
    await workspace.locator('input[name="repeatMinutes"]').fill('120');
    await workspace.locator('input[name="staleHours"]').fill('');
    await workspace.locator('[data-action="save-workspace-alerts"]').click();
    await expect.poll(() => sql`select alert_escalate_after_minutes, alert_repeat_after_minutes, alert_stale_after_hours from public.workspaces where id = ${workspaceId}`).toEqual([
      { alert_escalate_after_minutes: 45, alert_repeat_after_minutes: 120, alert_stale_after_hours: null },
    ]);
    await expectNoSeriousViolations(page, 'alert-settings');
    // The side menu marks Notifications, not Settings.
    await shows(page.locator('ion-menu ion-item.selected').getByText('Notifications'));
    await page.context().close();
  }, 120_000);

  it('on a phone in English: a read-only member sees silences and workspace settings read-only, with why', async () => {
    await sql`delete from public.alert_silences where workspace_id = ${workspaceId}`;
    await sql`insert into public.alert_silences (workspace_id, kind, until, reason, created_by) values (${workspaceId}, 'load_failed', now() + interval '2 hours', 'Reloading March', ${admin.id})`;
    const page = await open('phone', reader, 'en-US');
    const settings = await openSettings(page);
    await shows(settings.locator('[data-read-only="silences"]').getByText('Read-only members see silences but cannot add or lift them.'));
    await shows(settings.locator('[data-silence]').getByText('Reason: Reloading March'));
    expect(await settings.locator('[data-action="new-silence"], [data-action="lift-silence"]').count()).toBe(0);
    await shows(settings.locator('[data-read-only="workspace"]'));
    await shows(settings.locator('[data-setting="escalate"]').getByText('45 min'));
    await shows(settings.locator('[data-setting="repeat"]').getByText('120 min'));
    await shows(settings.locator('[data-setting="stale"]').getByText('Never'));
    expect(await settings.locator('form[data-form="slack"]').count()).toBe(0);
    // Their own rules are theirs to choose: nothing by default.
    expect(plain(await rule(page, 'cap').locator('[data-rule-sentence]').innerText())).toBe('Not sent: shown in the alert centre only.');
    await expectNoSeriousViolations(page, 'alert-settings');
    await page.context().close();
  }, 120_000);

  it('on a phone in Russian with the API down: the last settings stay, read-only, and a silence cannot be saved', async () => {
    await sql`delete from public.alerts where workspace_id = ${workspaceId}`;
    await sql`update public.profiles set quiet_hours_start = '23:00', quiet_hours_end = '08:00' where user_id = ${buyer.id}`;
    const alertId = await raise('load_failed', 'warning', 'load', '0c1d2e3f-4a5b-4c6d-8e7f-8a9b0c1d2e3f', { file_name: 'april.csv', source: 'tw_events' }, new Date().toISOString());
    const page = await open('phone', buyer, 'ru-RU');
    await openSettings(page);
    await page.goto(`${app.url}/app/alerts`);
    await shows(screen(page, 'alerts').locator(`[data-alert="${alertId}"]`), 20_000);

    await page.route(`${stack.apiUrl}/**`, (route) => route.abort('connectionrefused'));
    await page.goto(`${app.url}/app/settings/alerts`);
    const settings = settingsScreen(page);
    await shows(settings.locator('[data-note="offline"]'), 20_000);
    await shows(rule(page, 'cap').locator('[data-rule-sentence]'));
    expect(await settings.locator('[data-action="save-rule"], [data-action="save-quiet-hours"], [data-action="new-silence"]').count()).toBe(0);
    await shows(settings.locator('[data-quiet="23:00-08:00"]'));
    expect(await settings.locator('ion-spinner').count()).toBe(0);
    await expectNoSeriousViolations(page, 'alert-settings');

    // The alert centre's kept list offers "Silence"; saving it says it cannot be done now.
    await closeToasts(page);
    await page.goto(`${app.url}/app/alerts`);
    const card = screen(page, 'alerts').locator(`[data-alert="${alertId}"]`);
    await shows(card, 20_000);
    await card.locator('[data-action="silence"]').click();
    const form = page.locator('ion-modal[data-modal="silence"] form[data-form="silence"]');
    await form.locator('textarea[name="reason"]').fill('Перезальём завтра');
    await closeToasts(page);
    await form.locator('[data-action="add-silence"]').click();
    expect(await toastMessage(page)).toBe('Сохранить сейчас нельзя: нет связи с сервером. Попробуйте, когда связь вернётся.');
    expect(await sql`select 1 from public.alert_silences where reason = 'Перезальём завтра'`).toHaveLength(0);
    await page.context().close();
  }, 120_000);
});

describe('the cap-policy form', () => {
  it('on a tablet in English: saves every new field, refuses warning ≥ critical, and words the policy in the list', async () => {
    await sql`delete from public.offers where workspace_id = ${workspaceId}`;
    await sql`delete from public.cap_policies where workspace_id = ${workspaceId}`;
    const [offer] = await sql<{ id: string }[]>`insert into public.offers (workspace_id, code, name) values (${workspaceId}, 'CAP-FORM', 'Cap form offer') returning id`;
    const page = await open('tablet', admin, 'en-US');
    await page.goto(`${app.url}/app/offers/${offer?.id}`);
    await shows(screen(page, 'offer'), 20_000);
    const caps = await openTab(page, 'offer', 'caps');
    await caps.locator('[data-action="new-caps-policy"]').click();
    const form = page.locator('form[data-form="cap-policy"]');
    await shows(form);
    // Defaults: conversions, the program's zone, hard, 80 / 95.
    expect(await form.locator('input[name="programZone"]').isChecked()).toBe(true);
    expect(await form.locator('input[name="warningPercent"]').inputValue()).toBe('80');
    expect(await form.locator('input[name="criticalPercent"]').inputValue()).toBe('95');
    await shows(form.getByText("its program's time zone", { exact: false }));

    await form.locator('input[name="name"]').fill('Weekly payout per GEO');
    await form.locator('select[name="metric"]').selectOption('payout');
    await form.locator('select[name="eventType"]').selectOption('deposit');
    await form.locator('input[name="capLimit"]').fill('5000');
    await form.locator('select[name="period"]').selectOption('week');
    await form.locator('input[name="programZone"]').uncheck();
    await form.locator('.time-zone-item').click();
    await page.locator('ion-modal ion-searchbar input').fill('tokyo');
    await page.locator('ion-modal ion-item').getByText('Asia/Tokyo').click();
    await form.locator('select[name="scope"]').selectOption('geo');
    await form.locator('select[name="hard"]').selectOption('soft');
    await form.locator('input[name="warningPercent"]').fill('90');
    await form.locator('input[name="criticalPercent"]').fill('90');
    await form.locator('ion-button[type="submit"]').click();
    await shows(form.getByText('The warning threshold must be below the critical one.'));
    expect(await sql`select 1 from public.cap_policies where workspace_id = ${workspaceId}`).toHaveLength(0);
    await expectNoSeriousViolations(page, 'offer');

    await form.locator('input[name="warningPercent"]').fill('70');
    await form.locator('input[name="criticalPercent"]').fill('92.5');
    await form.locator('ion-button[type="submit"]').click();
    await form.waitFor({ state: 'detached' });
    const [saved] = await sql`
      select id, metric, event_type::text, cap_limit, period, time_zone, scope, hard, warning_percent::text, critical_percent::text
      from public.cap_policies where workspace_id = ${workspaceId}`;
    expect(saved).toMatchObject({
      metric: 'payout', event_type: 'deposit', cap_limit: 5000, period: 'week', time_zone: 'Asia/Tokyo', scope: 'geo', hard: false, warning_percent: '70.00', critical_percent: '92.50',
    });
    const row = caps.locator(`[data-policy-row="${saved?.id}"]`);
    await shows(row);
    expect(plain(await row.innerText())).toContain(
      'Limit 5,000 (payouts for deposits, base currency) per week, for each GEO; soft: an alert only; warning at 70%, critical at 92.5%; periods in Asia/Tokyo.',
    );

    // Changing it: the form starts from what was saved; back to the program's zone.
    await row.locator('[data-policy-action="edit"]').click();
    await shows(form);
    expect(await form.locator('select[name="scope"]').inputValue()).toBe('geo');
    expect(await form.locator('input[name="criticalPercent"]').inputValue()).toBe('92.5');
    await form.locator('input[name="programZone"]').check();
    await form.locator('ion-button[type="submit"]').click();
    await form.waitFor({ state: 'detached' });
    expect(await sql`select time_zone from public.cap_policies where id = ${saved?.id}`).toEqual([{ time_zone: null }]);
    await page.context().close();
  }, 120_000);
  it('on a phone in Russian: the form is all Russian, the zone and thresholds explained, no serious axe findings, and it refuses to save offline', async () => {
    await sql`delete from public.cap_policies where workspace_id = ${workspaceId}`;
    const [offer] = await sql<{ id: string }[]>`select id from public.offers where workspace_id = ${workspaceId} and code = 'CAP-FORM'`;
    const offerId = offer?.id ?? (await sql<{ id: string }[]>`insert into public.offers (workspace_id, code, name) values (${workspaceId}, 'CAP-FORM', 'Cap form offer') returning id`)[0]?.id;
    const page = await open('phone', admin, 'ru-RU');
    await page.goto(`${app.url}/app/offers/${offerId}`);
    await shows(screen(page, 'offer'), 20_000);
    const caps = await openTab(page, 'offer', 'caps');
    await caps.locator('[data-action="new-caps-policy"]').click();
    const form = page.locator('form[data-form="cap-policy"]');
    await shows(form);
    await shows(form.getByText('По часовому поясу программы'));
    await shows(form.getByText('По умолчанию 80 и 95', { exact: false }));
    await form.locator('input[name="name"]').fill('Дневная');
    await form.locator('input[name="capLimit"]').fill('40');
    await form.locator('input[name="warningPercent"]').fill('96');
    await form.locator('ion-button[type="submit"]').click();
    await shows(form.getByText('Порог «внимание» должен быть ниже порога «критично».'));
    expect(englishLeft(await page.locator('ion-modal[data-modal="policy"]').innerText(), ['GEO', 'UTC'])).toEqual([]);
    await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running'));
    expect(await seriousAxeViolations(page, page.locator('ion-modal[data-modal="policy"]'))).toEqual([]);
    await form.locator('input[name="warningPercent"]').fill('80');
    // With the API down the form keeps what was typed and says it cannot be saved now.
    await closeToasts(page);
    await page.route(`${stack.apiUrl}/**`, (route) => route.abort('connectionrefused'));
    await form.locator('ion-button[type="submit"]').click();
    await shows(page.locator('ion-modal[data-modal="policy"] [data-problem="offers.policies.errors.offline"]').getByText('Сохранить сейчас нельзя: нет связи с сервером.', { exact: false }), 20_000);
    expect(await sql`select 1 from public.cap_policies where workspace_id = ${workspaceId}`).toHaveLength(0);
    expect(await form.locator('input[name="name"]').inputValue()).toBe('Дневная');
    await page.unrouteAll();
    // Once the app sees the connection again (its probe), the same form saves.
    await expect
      .poll(
        async () => {
          if (await form.isVisible()) await form.locator('ion-button[type="submit"]').click({ timeout: 2_000 }).catch(() => undefined);
          return form.isVisible();
        },
        { timeout: 30_000, interval: 2_000 },
      )
      .toBe(false);
    const [saved] = await sql`select id, metric, period, time_zone, scope, hard, warning_percent::text, critical_percent::text from public.cap_policies where workspace_id = ${workspaceId}`;
    expect(saved).toMatchObject({ metric: 'conversions', period: 'day', time_zone: null, scope: 'offer', hard: true, warning_percent: '80.00', critical_percent: '95.00' });
    expect(plain(await caps.locator(`[data-policy-row="${saved?.id}"]`).innerText())).toContain(
      'Лимит 40 (первые депозиты) в день; жёсткая: сверх неё программа не платит; внимание с 80 %, критично с 95 %; периоды по часовому поясу программы.',
    );
    await page.context().close();
  }, 120_000);
});
