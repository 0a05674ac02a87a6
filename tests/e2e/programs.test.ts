import type { SupabaseClient } from '@supabase/supabase-js';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppServer } from '../../supabase/local/appServer.ts';
import { closeToasts, fillIn, plain, screen, shows, signInThroughUi } from '../support/appDriver.ts';
import { serveTestApp } from '../support/appServer.ts';
import { cleanUpBrowserTest, launchChromium, newAppContext, type devices } from '../support/browser.ts';
import { db, stack } from '../support/clients.ts';
import { upload } from '../support/etl.ts';
import { createUser, signIn, testPassword, type TestUser } from '../support/users.ts';
import { utcDay } from '../support/days.ts';

const sql = db();
const ip = '203.0.113.171';
const clientIp = { apiUrl: stack.apiUrl, ip };
let app: AppServer;
let browser: Browser;
let manager: TestUser;
let reader: TestUser;
let buyer: TestUser;
let workspaceId: string;
let fixtureId: string;
const offerIds: Record<string, string> = {};

const yesterday = utcDay(-1);
/** Fixture revenue: fx-alpha 100 and fx-beta 50 are mapped to the fixture program's offers; fx-loose is nobody's. */
const conversions = `event_id,event_time,event_type,campaign_id,offer_id,geo,source,sub1,player_id,amount,payout,currency
pg1,${yesterday} 10:00,first_deposit,c1,fx-alpha,RU,moloco,n1,p1,300,100,USD
pg2,${yesterday} 11:00,first_deposit,c1,fx-beta,RU,moloco,n1,p2,200,50,USD
pg3,${yesterday} 12:00,first_deposit,c1,fx-loose,RU,moloco,n1,p3,200,70,USD
`;


interface CalendarRow {
  payout_date: string;
  conversions_from: string;
  conversions_to: string;
}

/** What program_payout_calendar() answers for the program's today, as the screen asks it. */
async function sqlCalendar(programId: string): Promise<string[]> {
  const rows = await sql<CalendarRow[]>`
    select to_char(payout_date, 'YYYY-MM-DD') as payout_date, to_char(conversions_from, 'YYYY-MM-DD') as conversions_from,
      to_char(conversions_to, 'YYYY-MM-DD') as conversions_to
    from public.program_payout_calendar(${programId}, null, 6)`;
  return rows.map((r) => `${r.payout_date} ${r.conversions_from} ${r.conversions_to}`);
}

/** The calendar as the program screen shows it. */
async function screenCalendar(programScreen: Locator): Promise<string[]> {
  const items = programScreen.locator('[data-program="calendar"] ion-item');
  await shows(items);
  return items.evaluateAll((nodes) => nodes.map((n) => `${n.getAttribute('data-payout-date')} ${n.getAttribute('data-covers-from')} ${n.getAttribute('data-covers-to')}`));
}

async function open(device: keyof typeof devices, person: TestUser): Promise<Page> {
  const context = await newAppContext(browser, { device, locale: 'ru-RU', clientIp });
  const page = await context.newPage();
  await signInThroughUi(page, person, app.url, testPassword);
  return page;
}

async function openProgramsFromMenu(page: Page): Promise<Locator> {
  await page.locator('ion-menu ion-item').getByText('Партнёрки', { exact: true }).click();
  const programs = screen(page, 'programs');
  await shows(programs.locator(`[data-program="${fixtureId}"]`));
  return programs;
}

beforeAll(async () => {
  [app, browser] = await Promise.all([serveTestApp(stack), launchChromium()]);
  [manager, reader, buyer] = await Promise.all([createUser(sql, 'programs-manager'), createUser(sql, 'programs-reader'), createUser(sql, 'programs-buyer')]);
  const [row] = await sql<{ id: string }[]>`insert into public.workspaces (name, created_by) values ('Programs Team', ${manager.id}) returning id`;
  if (!row) throw new Error('no workspace');
  workspaceId = row.id;
  await sql`insert into public.workspace_members (workspace_id, user_id, role)
    values (${workspaceId}, ${manager.id}, 'affiliate_manager'), (${workspaceId}, ${reader.id}, 'read_only'), (${workspaceId}, ${buyer.id}, 'media_buyer')`;
  await sql`update public.profiles set time_zone = 'UTC' where user_id in (${manager.id}, ${reader.id})`;
  const [fixture] = await sql<{ id: string }[]>`
    insert into public.affiliate_programs (workspace_id, name, payout_schedule, payout_weekdays, hold_days, time_zone, minimum_payout, payment_channels)
    values (${workspaceId}, 'Fixture Partners', 'weekly', '{2,5}', 3, 'Europe/Moscow', 500, '{wire,USDT TRC20}') returning id`;
  fixtureId = fixture?.id ?? '';
  for (const [code, status, twOffer] of [['FIX-A', 'active', 'fx-alpha'], ['FIX-B', 'active', 'fx-beta'], ['FIX-OLD', 'paused', null]] as const) {
    const [offer] = await sql<{ id: string }[]>`
      insert into public.offers (workspace_id, code, name, program_id, status) values (${workspaceId}, ${code}, ${`${code} offer`}, ${fixtureId}, ${status}) returning id`;
    offerIds[code] = offer?.id ?? '';
    if (twOffer) await sql`insert into public.offer_mapping (workspace_id, offer_id, tw_offer_id) values (${workspaceId}, ${offerIds[code]}, ${twOffer})`;
  }
  const { body } = await upload(await signIn(buyer, ip), workspaceId, 'programs.csv', conversions);
  if (body.load.status !== 'done') throw new Error(`fixture load: ${body.load.status}`);
}, 120_000);

afterAll(() => cleanUpBrowserTest({ browser, app, sql, workspaceIds: [workspaceId] }).then(() => undefined));

describe('programs on a tablet, as an affiliate manager', () => {
  it('lists programs with offers and revenue, creates one after fixing its fields, keeps contacts, a log and a calendar', async () => {
    // A retry starts over: without the program the first try made.
    await sql`delete from public.affiliate_programs where workspace_id = ${workspaceId} and id <> ${fixtureId}`;
    const page = await open('tablet', manager);
    const programs = await openProgramsFromMenu(page);
    const fixtureRow = programs.locator(`[data-program="${fixtureId}"]`);
    expect(await fixtureRow.locator('[data-active-offers]').getAttribute('data-active-offers')).toBe('2');
    expect(await fixtureRow.locator('[data-revenue]').getAttribute('data-revenue')).toBe('150');
    expect(plain(await fixtureRow.locator('[data-revenue]').innerText())).toContain('150,00 $');
    expect(plain(await fixtureRow.innerText())).toContain('По дням недели: вт, пт · холд 3 дн.');

    // Ionic's own screen-reader labels ("search text", "reset") are said in Russian too.
    await expect.poll(() => programs.locator('ion-searchbar input').getAttribute('aria-label')).toBe('Поиск партнёрок');
    expect(await programs.locator('ion-searchbar .searchbar-clear-button').getAttribute('aria-label')).toBe('Очистить поиск');
    await programs.locator('ion-searchbar input').fill('nothing like it');
    await shows(programs.getByText('Ни одна партнёрка не подходит под «nothing like it».'));
    await programs.locator('ion-searchbar input').fill('fixt');
    await shows(fixtureRow);

    // A bad email is caught in the form; a taken name by the database; each message sits on its field.
    await programs.locator('[data-action="new-program"]').click();
    const form = programs.locator('[data-pane="new-program"]');
    await shows(form);
    await fillIn(page, 'programs', 'name', 'fixture partners');
    await fillIn(page, 'programs', 'invoiceEmail', 'billing-at-nova');
    await fillIn(page, 'programs', 'holdDays', '7');
    await fillIn(page, 'programs', 'defaultCurrency', 'eur');
    await fillIn(page, 'programs', 'minimumPayout', '250,50');
    await fillIn(page, 'programs', 'paymentChannels', 'wire, USDT TRC20');
    await form.locator('ion-segment-button[data-schedule="net15"]').click();
    await form.locator('[data-action="save-program"]').click();
    await shows(form.getByText('Проверьте email: он не похож на адрес (name@example.com).'));
    await shows(form.getByText('Некоторые поля нужно исправить: см. сообщения под ними.'));
    await fillIn(page, 'programs', 'invoiceEmail', 'billing@nova.example');
    await form.locator('[data-action="save-program"]').click();
    await shows(form.getByText('Партнёрка с таким названием уже есть в пространстве. Выберите другое название.'));
    expect(await sql`select 1 from public.affiliate_programs where workspace_id = ${workspaceId} and name <> 'Fixture Partners'`).toHaveLength(0);

    await fillIn(page, 'programs', 'name', 'Nova Affiliates');
    await form.locator('[data-action="save-program"]').click();
    await page.waitForURL(/\/app\/programs\/[0-9a-f-]{36}$/);
    const novaId = page.url().split('/').at(-1) ?? '';
    const [nova] = await sql`select name, payout_schedule, hold_days, default_currency, minimum_payout::text, invoice_email, payment_channels, time_zone, created_by
      from public.affiliate_programs where id = ${novaId}`;
    expect(nova).toEqual({
      name: 'Nova Affiliates',
      payout_schedule: 'net15',
      hold_days: 7,
      default_currency: 'EUR',
      minimum_payout: '250.50',
      invoice_email: 'billing@nova.example',
      payment_channels: ['wire', 'USDT TRC20'],
      time_zone: 'UTC',
      created_by: manager.id,
    });
    await closeToasts(page);

    const program = screen(page, 'program');
    await shows(program.locator(`[data-program-id="${novaId}"]`));
    expect(await screenCalendar(program)).toEqual(await sqlCalendar(novaId));
    // Payment channels read in the interface's language, not as stored codes.
    expect(await program.locator('[data-term="paymentChannels"] dd').innerText()).toBe('Банковский перевод, USDT (TRC-20)');

    // A contact: the preferred channel needs its address, then it is added, edited and removed.
    await program.locator('[data-action="add-contact"]').click();
    await fillIn(page, 'program', 'contact-name', 'Irina');
    await program.locator('ion-segment-button[data-channel="email"]').click();
    await program.locator('[data-action="save-contact"]').click();
    await shows(program.getByText('Предпочтительный канал — email: укажите адрес.'));
    await fillIn(page, 'program', 'contact-email', 'irina@nova.example');
    await fillIn(page, 'program', 'contact-telegram', '@irina_nova');
    await program.locator('[data-action="save-contact"]').click();
    await shows(program.locator('[data-contact-name="Irina"]'));
    expect(await sql`select name, email, telegram, preferred_channel from public.affiliate_contacts where program_id = ${novaId}`).toEqual([
      { name: 'Irina', email: 'irina@nova.example', telegram: 'irina_nova', preferred_channel: 'email' },
    ]);
    await program.locator('[data-contact-name="Irina"] [data-action="edit-contact"]').click();
    await fillIn(page, 'program', 'contact-name', 'Irina K.');
    await program.locator('[data-action="save-contact"]').click();
    await shows(program.locator('[data-contact-name="Irina K."]'));
    expect(await sql`select name from public.affiliate_contacts where program_id = ${novaId}`).toEqual([{ name: 'Irina K.' }]);
    await program.locator('[data-contact-name="Irina K."] [data-action="remove-contact"]').click();
    await page.locator('ion-alert.program-contact-remove button.alert-button-role-confirm').click();
    await program.locator('[data-contact-name="Irina K."]').waitFor({ state: 'detached' });
    expect(await sql`select 1 from public.affiliate_contacts where program_id = ${novaId}`).toHaveLength(0);

    // The contact log: an empty comment is refused on the spot, a real one is kept with its time and author.
    await program.locator('[data-action="add-log-entry"]').click();
    await shows(program.getByText('Сначала напишите комментарий.'));
    await program.locator('textarea[name="comment"]').fill('Called Irina: the first payout goes out on the 15th.');
    await program.locator('[data-action="add-log-entry"]').click();
    const entry = program.locator('[data-log-entry]').first();
    await shows(entry.getByText('Called Irina: the first payout goes out on the 15th.'));
    await shows(entry.getByText('programs-manager', { exact: false }));
    const [logged] = await sql<{ author: string; at: Date }[]>`select author, at from public.program_contact_log where program_id = ${novaId}`;
    expect(logged?.author).toBe(manager.id);
    expect(new Date((await entry.getAttribute('data-at')) ?? '').getTime()).toBe(logged?.at.getTime());

    // New terms: weekly needs a payout day; once saved, the calendar is the SQL function's again.
    await program.locator('[data-action="edit-terms"]').click();
    await program.locator('ion-segment-button[data-schedule="weekly"]').click();
    await program.locator('[data-action="save-program"]').click();
    await shows(program.getByText('Для выплат по дням недели нужен хотя бы один день: отметьте дни, когда партнёрка платит.'));
    await program.locator('[data-weekday="2"]').click();
    await program.locator('[data-action="save-program"]').click();
    await shows(program.locator('[data-term="schedule"]').getByText('По дням недели: вт · холд 7 дн.'));
    expect(await sql`select payout_schedule, payout_weekdays from public.affiliate_programs where id = ${novaId}`).toEqual([{ payout_schedule: 'weekly', payout_weekdays: [2] }]);
    await expect.poll(() => screenCalendar(program)).toEqual(await sqlCalendar(novaId));

    // Back in the list, the new program is there with its last contact.
    await program.locator('[data-action="back-to-programs"]').click();
    await programs.locator('ion-searchbar input').fill('');
    const novaRow = programs.locator(`[data-program="${novaId}"]`);
    await shows(novaRow.locator('[data-last-contact]:not([data-last-contact=""])'));
    expect(plain(await novaRow.innerText())).toContain('По дням недели: вт · холд 7 дн.');

    // The fixture program: its active offers link to their cards, and its calendar is in Moscow days.
    await fixtureRow.click();
    const fixture = screen(page, 'program');
    await shows(fixture.locator('[data-program="offers"] ion-item'));
    const offers = fixture.locator('[data-program="offers"] ion-item');
    expect(await offers.evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-code')))).toEqual(['FIX-A', 'FIX-B']);
    expect(await screenCalendar(fixture)).toEqual(await sqlCalendar(fixtureId));
    await shows(fixture.getByText('Даты в часовом поясе партнёрки: Europe/Moscow.'));
    await offers.first().click();
    await page.waitForURL(`**/app/offers/${offerIds['FIX-A']}`);
    await page.context().close();
  });
});

describe('programs as a read-only member', () => {
  it('shows everything without a single write control, and the database refuses writes', async () => {
    const page = await open('tablet', reader);
    const programs = await openProgramsFromMenu(page);
    expect(await programs.locator('[data-action="new-program"]').count()).toBe(0);
    await programs.locator(`[data-program="${fixtureId}"]`).click();
    const program = screen(page, 'program');
    await shows(program.locator('[data-program="calendar"] ion-item'));
    await shows(program.locator('[data-program="offers"] ion-item'));
    for (const action of ['edit-terms', 'add-contact', 'edit-contact', 'remove-contact', 'add-log-entry']) {
      expect(await program.locator(`[data-action="${action}"]`).count(), action).toBe(0);
    }
    expect(await program.locator('textarea[name="comment"]').count()).toBe(0);
    await page.context().close();

    const session: SupabaseClient = await signIn(reader, ip);
    const insert = await session.from('affiliate_programs').insert({ workspace_id: workspaceId, name: 'Sneaky Program' });
    expect(insert).toMatchObject({ status: 403, error: { code: '42501' } });
    const log = await session.from('program_contact_log').insert({ workspace_id: workspaceId, program_id: fixtureId, comment: 'not mine to write' });
    expect(log.error?.code).toBe('42501');
    const update = await session.from('affiliate_programs').update({ hold_days: 0 }).eq('id', fixtureId).select('id');
    expect(update).toMatchObject({ error: null, data: [] });
    expect(await sql`select hold_days from public.affiliate_programs where id = ${fixtureId}`).toEqual([{ hold_days: 3 }]);
  });
});

describe('programs on a phone', () => {
  it('fits the program screen in 390 px and opens the new program form above the list', async () => {
    const page = await open('phone', manager);
    await page.goto(`${app.url}/app/programs/${fixtureId}`);
    const program = screen(page, 'program');
    await shows(program.locator('[data-program="calendar"] ion-item'));
    const overflow = await program.locator('.program-body').evaluate((body) => body.scrollWidth - body.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    expect(await screenCalendar(program)).toEqual(await sqlCalendar(fixtureId));

    await page.goto(`${app.url}/app/programs`);
    const programs = screen(page, 'programs');
    await shows(programs.locator(`[data-program="${fixtureId}"]`));
    await programs.locator('[data-action="new-program"]').click();
    const formBox = await programs.locator('[data-pane="new-program"]').boundingBox();
    const listBox = await programs.locator('[data-programs="list"]').boundingBox();
    expect(formBox && listBox && formBox.y < listBox.y).toBe(true);
    expect(formBox?.width).toBeLessThanOrEqual(390);
    await page.context().close();
  });
});
