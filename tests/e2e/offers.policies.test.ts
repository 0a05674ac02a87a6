import type { SupabaseClient } from '@supabase/supabase-js';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppServer } from '../../supabase/local/appServer.ts';
import { closeToasts, openTab, screen, shows, signInThroughUi } from '../support/appDriver.ts';
import { serveTestApp } from '../support/appServer.ts';
import { cleanUpBrowserTest, launchChromium, newAppContext } from '../support/browser.ts';
import { db, stack } from '../support/clients.ts';
import { createUser, signIn, testPassword, type TestUser } from '../support/users.ts';
import { utcDay } from '../support/days.ts';

/** KPI and cap policies on the offer card (create, attach through a new version, edit, archive, delete) and GEO rates, at tablet size. */

const sql = db();
const ip = '203.0.113.187';
const clientIp = { apiUrl: stack.apiUrl, ip };
let app: AppServer;
let browser: Browser;
let manager: TestUser;
let viewer: TestUser;
let managerApi: SupabaseClient;
let viewerApi: SupabaseClient;
let workspaceId: string;
let offerId: string;
let sharedCapId: string;

const day = utcDay;
const card = (page: Page) => screen(page, 'offer');
const policyForm = (page: Page, kind: 'kpi' | 'cap') => page.locator(`form[data-form="${kind}-policy"]`);

async function openCard(person: TestUser): Promise<Page> {
  const context = await newAppContext(browser, { device: 'tablet', locale: 'en-US', clientIp });
  const page = await context.newPage();
  await signInThroughUi(page, person, app.url, testPassword);
  await page.goto(`${app.url}/app/offers/${offerId}`);
  await shows(card(page).locator('[data-param="rate"]'), 20_000);
  return page;
}

/** A tab of the offer card. */
const tab = (page: Page, name: string): Promise<Locator> => openTab(page, 'offer', name);

async function price(geo: string, offer = offerId): Promise<{ rate: number; currency: string }[]> {
  const { data, error } = await managerApi.rpc('payout_for', { workspace: workspaceId, offer_ref: offer, geo, at: new Date().toISOString() });
  expect(error).toBeNull();
  return (data as { rate: number; currency: string }[]).map((r) => ({ rate: Number(r.rate), currency: r.currency }));
}

/** The offers and policies the tests start from; a retry starts over from them. */
async function seed(): Promise<void> {
  await sql`delete from public.offers where workspace_id = ${workspaceId}`;
  await sql`delete from public.kpi_policies where workspace_id = ${workspaceId}`;
  await sql`delete from public.cap_policies where workspace_id = ${workspaceId}`;
  const [shared] = await sql<{ id: string }[]>`insert into public.cap_policies (workspace_id, name, period, cap_limit) values (${workspaceId}, 'Shared weekly', 'week', 300) returning id`;
  sharedCapId = shared?.id ?? '';
  await sql`insert into public.cap_policies (workspace_id, name, cap_limit) values (${workspaceId}, 'Never used', 5)`;
  const created = await managerApi.rpc('create_offer', { workspace: workspaceId, code: 'SPIN-DE', name: 'Spin Casino DE', valid_from: `${day(-10)}T00:00:00Z`, rate: 30, currency: 'USD', geos: ['DE'] });
  if (created.error) throw created.error;
  offerId = (created.data as { id: string }).id;
  const other = await managerApi.rpc('create_offer', { workspace: workspaceId, code: 'OTHER-AT', name: 'Other AT', valid_from: `${day(-10)}T00:00:00Z`, rate: 20, currency: 'USD', cap_policy_id: sharedCapId });
  if (other.error) throw other.error;
}

beforeAll(async () => {
  [app, browser] = await Promise.all([serveTestApp(stack), launchChromium()]);
  [manager, viewer] = await Promise.all([createUser(sql, 'policies-ui-manager'), createUser(sql, 'policies-ui-viewer')]);
  const [row] = await sql<{ id: string }[]>`insert into public.workspaces (name, created_by) values ('Policies Desk', ${manager.id}) returning id`;
  if (!row) throw new Error('no workspace');
  workspaceId = row.id;
  await sql`insert into public.workspace_members (workspace_id, user_id, role) values (${workspaceId}, ${manager.id}, 'affiliate_manager'), (${workspaceId}, ${viewer.id}, 'read_only')`;
  await sql`update public.profiles set time_zone = 'UTC' where user_id in (${manager.id}, ${viewer.id})`;
  [managerApi, viewerApi] = await Promise.all([signIn(manager, ip), signIn(viewer, ip)]);
  await seed();
}, 120_000);

afterAll(async () => {
  if (workspaceId) await sql`delete from public.workspaces where id = ${workspaceId}`;
  if (viewer) await sql`delete from auth.users where id = ${viewer.id}`;
  await cleanUpBrowserTest({ browser, app, sql, workspaceIds: [], personId: manager?.id });
});

describe('policies on a tablet (1024×768), as an affiliate manager', () => {
  it('creates a cap and a KPI policy (a bad value first), attaches them with GEO rates through a new version, edits, archives and deletes', async () => {
    await seed();
    const page = await openCard(manager);

    // Caps tab: nothing attached yet; the workspace's policies say which offers use them.
    const caps = await tab(page, 'caps');
    await shows(caps.locator('[data-attached-policy="none"]'));
    const shared = caps.locator(`[data-policy-row="${sharedCapId}"]`);
    expect(await shared.locator('[data-uses]').innerText()).toBe('Used by: OTHER-AT');
    expect(await shared.locator('[data-policy-action="delete"]').count()).toBe(0);

    // A new cap policy: a cap of zero is refused in the form, with what to type instead.
    await caps.locator('[data-action="new-caps-policy"]').click();
    const capForm = policyForm(page, 'cap');
    await shows(capForm);
    await capForm.locator('input[name="name"]').fill('Daily 40');
    await capForm.locator('input[name="capLimit"]').fill('0');
    await capForm.locator('ion-button[type="submit"]').click();
    await shows(capForm.getByText('Enter the cap as a whole number greater than zero, e.g. 50.'));
    expect(await sql`select 1 from public.cap_policies where workspace_id = ${workspaceId} and name = 'Daily 40'`).toHaveLength(0);
    await capForm.locator('input[name="capLimit"]').fill('40');
    await capForm.locator('select[name="eventType"]').selectOption('registration');
    await capForm.locator('ion-button[type="submit"]').click();
    await capForm.waitFor({ state: 'detached' });
    const [cap] = await sql<{ id: string; period: string; event_type: string; cap_limit: number }[]>`select id, period, event_type, cap_limit from public.cap_policies where workspace_id = ${workspaceId} and name = 'Daily 40'`;
    expect(cap).toMatchObject({ period: 'day', event_type: 'registration', cap_limit: 40 });
    const daily = caps.locator(`[data-policy-row="${cap?.id}"]`);
    expect(await daily.locator('[data-uses]').innerText()).toBe('Not used by any offer');
    await closeToasts(page);

    // Attaching it opens a new version with the policy chosen; the KPI policy is made from the picker there.
    await daily.locator('[data-policy-action="attach"]').click();
    const versionForm = page.locator('ion-modal[data-modal="new-version"] form[data-form="new-version"]');
    await shows(versionForm);
    expect(await versionForm.locator('select[name="capPolicyId"]').inputValue()).toBe(cap?.id);
    await versionForm.locator('[data-action="new-kpi-policy"]').click();
    const kpiForm = policyForm(page, 'kpi');
    await shows(kpiForm);
    await kpiForm.locator('input[name="name"]').fill('Tier-1 KPI');
    expect(await kpiForm.locator('select[name="requirements.0.kind"]').inputValue()).toBe('min_reg_to_ftd');
    await kpiForm.locator('input[name="requirements.0.value"]').fill('150');
    await kpiForm.locator('[data-action="add-requirement"]').click();
    await kpiForm.locator('input[name="requirements.1.value"]').fill('20');
    await kpiForm.locator('ion-button[type="submit"]').click();
    await shows(kpiForm.getByText('Enter a percentage from 0 to 100, e.g. 10 or 12.5.'));
    expect(await sql`select 1 from public.kpi_policies where workspace_id = ${workspaceId}`).toHaveLength(0);
    await kpiForm.locator('input[name="requirements.0.value"]').fill('12.5');
    await kpiForm.locator('ion-button[type="submit"]').click();
    await kpiForm.waitFor({ state: 'detached' });
    const [kpi] = await sql<{ id: string; requirements: unknown }[]>`select id, requirements from public.kpi_policies where workspace_id = ${workspaceId} and name = 'Tier-1 KPI'`;
    expect(kpi?.requirements).toEqual({ min_reg_to_ftd: 0.125, min_deposit: 20 });
    await expect.poll(() => versionForm.locator('select[name="kpiPolicyId"]').inputValue()).toBe(kpi?.id);

    // GEOs with their own rates: AT at the version's rate (left blank), CH at its own rate and currency; a bad code first.
    await versionForm.locator('[data-action="add-geo-rate"]').click();
    await versionForm.locator('input[name="geoRates.0.geo"]').fill('4T');
    await versionForm.locator('[data-action="add-geo-rate"]').click();
    await versionForm.locator('input[name="geoRates.1.geo"]').fill('ch');
    await versionForm.locator('input[name="geoRates.1.rate"]').fill('45,5');
    await versionForm.locator('input[name="geoRates.1.currency"]').fill('eur');
    await versionForm.locator('ion-button[type="submit"]').click();
    await shows(versionForm.getByText('Use a two-letter country code such as DE.'));
    expect(await sql`select 1 from public.offer_versions where offer_id = ${offerId}`).toHaveLength(1);
    await versionForm.locator('input[name="geoRates.0.geo"]').fill('at');
    await versionForm.locator('ion-button[type="submit"]').click();
    await page.locator('ion-modal[data-modal="new-version"]').waitFor({ state: 'hidden' });

    const [version] = await sql`select kpi_policy_id, cap_policy_id, rate::text, geos from public.offer_versions where offer_id = ${offerId} and valid_to is null`;
    expect(version).toEqual({ kpi_policy_id: kpi?.id, cap_policy_id: cap?.id, rate: '30.0000', geos: ['DE'] });
    expect(await sql`select g.geo, g.rate::text, g.currency from public.offer_geo g join public.offer_versions v on v.id = g.offer_version_id where v.offer_id = ${offerId} and v.valid_to is null order by g.geo`).toEqual([
      { geo: 'AT', rate: '30.0000', currency: null },
      { geo: 'CH', rate: '45.5000', currency: 'EUR' },
    ]);
    expect(await price('DE')).toEqual([{ rate: 30, currency: 'USD' }]);
    expect(await price('AT')).toEqual([{ rate: 30, currency: 'USD' }]);
    expect(await price('CH')).toEqual([{ rate: 45.5, currency: 'EUR' }]);
    expect(await price('FR')).toEqual([]);

    // The tabs show what the new terms use, and the list says so.
    await shows(caps.locator(`[data-attached-policy="${cap?.id}"]`));
    expect(await caps.locator('[data-policy-field="limit"]').innerText()).toContain('40 per day');
    expect(await daily.locator('[data-uses]').innerText()).toBe('Used by: SPIN-DE');
    const kpiTab = await tab(page, 'kpi');
    await shows(kpiTab.locator(`[data-attached-policy="${kpi?.id}"]`));
    expect(await kpiTab.locator('[data-policy-field="min_reg_to_ftd"]').innerText()).toContain('12.5%');
    expect(await kpiTab.locator('[data-policy-field="min_deposit"]').innerText()).toContain('20');
    const parameters = await tab(page, 'parameters');
    expect(await parameters.locator('[data-geo-rate="AT"]').innerText()).toBe('AT: $30.00');
    expect(await parameters.locator('[data-geo-rate="CH"]').innerText()).toBe('CH: €45.50');
    await closeToasts(page);

    // Editing a policy changes it for every offer using it, and the editor says which.
    const capsAgain = await tab(page, 'caps');
    await capsAgain.locator(`[data-policy-row="${cap?.id}"] [data-policy-action="edit"]`).click();
    await shows(capForm);
    expect(await page.locator('[data-policy-warning="shared"]').innerText()).toContain('SPIN-DE');
    await capForm.locator('input[name="capLimit"]').fill('45');
    await capForm.locator('ion-button[type="submit"]').click();
    await capForm.waitFor({ state: 'detached' });
    await expect.poll(() => capsAgain.locator('[data-policy-field="limit"]').innerText()).toContain('45 per day');
    expect(await sql`select cap_limit from public.cap_policies where id = ${cap?.id ?? ''}`).toEqual([{ cap_limit: 45 }]);

    // A used policy is archived (no longer offered), an unused one deleted after a confirmation.
    await shared.locator('[data-policy-action="archive"]').click();
    await expect.poll(() => shared.getAttribute('data-archived')).toBe('true');
    expect(await sql`select archived_at is not null as archived from public.cap_policies where id = ${sharedCapId}`).toEqual([{ archived: true }]);
    const unused = capsAgain.locator('[data-policy-row][data-name="Never used"]');
    await unused.locator('[data-policy-action="delete"]').click();
    const confirm = page.locator('ion-alert.policy-confirm-delete button.alert-button-role-confirm');
    await confirm.waitFor({ state: 'visible' });
    await confirm.click();
    await unused.waitFor({ state: 'detached' });
    expect(await sql`select 1 from public.cap_policies where workspace_id = ${workspaceId} and name = 'Never used'`).toHaveLength(0);

    // The pickers no longer offer the archived policy.
    await tab(page, 'parameters');
    await card(page).locator('[data-action="new-version"]').click();
    await shows(versionForm);
    const offered = await versionForm.locator('select[name="capPolicyId"] option').allInnerTexts();
    expect(offered).toEqual(['None', 'Daily 40']);
    await page.context().close();
  }, 180_000);
});

describe('GEO rates of a new offer, as an affiliate manager', () => {
  it('takes GEOs with their own rates in the new-offer form, shows them, and payout_for() prices by them', async () => {
    await sql`delete from public.offers where workspace_id = ${workspaceId} and code = 'GEO-NEW'`;
    const page = await openCard(manager);
    await page.goto(`${app.url}/app/offers`);
    await screen(page, 'offers').locator('[data-action="new-offer"]').click();
    const form = page.locator('ion-modal[data-modal="new-offer"] form[data-form="new-offer"]');
    await shows(form);
    await shows(form.locator('[data-action="new-kpi-policy"]'));
    await form.locator('input[name="code"]').fill('GEO-NEW');
    await form.locator('input[name="name"]').fill('Every GEO, two of their own');
    await form.locator('input[name="rate"]').fill('50');
    await form.locator('[data-action="add-geo-rate"]').click();
    await form.locator('input[name="geoRates.0.geo"]').fill('pl');
    await form.locator('[data-action="add-geo-rate"]').click();
    await form.locator('input[name="geoRates.1.geo"]').fill('KZ');
    await form.locator('input[name="geoRates.1.rate"]').fill('9000');
    await form.locator('input[name="geoRates.1.currency"]').fill('KZT');
    await form.locator('ion-button[type="submit"]').click();
    await page.waitForURL(/\/app\/offers\/[0-9a-f-]{36}$/, { timeout: 15_000 });
    const created = page.url().split('/').at(-1) ?? '';
    const parameters = card(page).locator('[data-tab-body="parameters"]');
    expect(await parameters.locator('[data-geo-rate="PL"]').innerText()).toBe('PL: $50.00');
    expect(await parameters.locator('[data-geo-rate="KZ"]').innerText()).toBe('KZ: KZT\u00a09,000.00');
    expect(await price('PL', created)).toEqual([{ rate: 50, currency: 'USD' }]);
    expect(await price('KZ', created)).toEqual([{ rate: 9000, currency: 'KZT' }]);
    expect(await price('FR', created)).toEqual([{ rate: 50, currency: 'USD' }]);
    await page.context().close();
  }, 90_000);
});

describe('policies for a read-only member', () => {
  it('shows no write controls, and the database refuses the writes anyway', async () => {
    // A KPI policy of this test's own, so the KPI tab has a row to show: the seed has none, and
    // the manager's test may not have made its one yet (a retry removes it first).
    await sql`delete from public.kpi_policies where workspace_id = ${workspaceId} and name = 'Read-only KPI'`;
    await sql`insert into public.kpi_policies (workspace_id, name, requirements) values (${workspaceId}, 'Read-only KPI', '{"min_reg_to_ftd": 0.1}')`;
    const page = await openCard(viewer);
    for (const name of ['caps', 'kpi']) {
      const body = await tab(page, name);
      await shows(body.locator('[data-policy-row]'));
      expect(await body.locator('[data-policy-action], [data-action$="-policy"]').count()).toBe(0);
    }
    expect(await card(page).locator('[data-action="new-version"]').count()).toBe(0);
    await page.context().close();

    const [before] = await sql`select count(*)::int as policies from public.kpi_policies where workspace_id = ${workspaceId}`;
    const [sharedBefore] = await sql`select cap_limit, archived_at from public.cap_policies where id = ${sharedCapId}`;
    expect((await viewerApi.from('kpi_policies').insert({ workspace_id: workspaceId, name: 'Sneaky KPI' })).error).toMatchObject({ code: '42501' });
    expect(await viewerApi.from('cap_policies').update({ cap_limit: 1 }).eq('id', sharedCapId).select('id')).toMatchObject({ error: null, data: [] });
    expect(await viewerApi.from('cap_policies').update({ archived_at: new Date().toISOString() }).eq('id', sharedCapId).select('id')).toMatchObject({ error: null, data: [] });
    expect(await viewerApi.from('kpi_policies').delete().eq('workspace_id', workspaceId).select('id')).toMatchObject({ error: null, data: [] });
    expect(await sql`select count(*)::int as policies from public.kpi_policies where workspace_id = ${workspaceId}`).toEqual([before]);
    expect(await sql`select cap_limit, archived_at from public.cap_policies where id = ${sharedCapId}`).toEqual([sharedBefore]);
  }, 90_000);
});
