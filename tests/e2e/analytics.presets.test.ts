import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AppServer } from '../../supabase/local/appServer.ts';
import { screen, shows, signInThroughUi, toastMessage } from '../support/appDriver.ts';
import { serveTestApp } from '../support/appServer.ts';
import { cleanUpBrowserTest, launchChromium, newAppContext, type AppContextOptions } from '../support/browser.ts';
import { db, stack } from '../support/clients.ts';
import { createUser, testPassword, type TestUser } from '../support/users.ts';

/**
 * Presets shared with the workspace, across people: one member shares the selection, a
 * teammate in another browser sees it arrive without reloading and loads it, the owner's
 * deletion reaches the teammate too, and a read_only member can only keep presets on the device.
 */

const sql = db();
const clientIp = { apiUrl: stack.apiUrl, ip: '203.0.113.66' };
let app: AppServer;
let browser: Browser;
let buyer: TestUser;
let finance: TestUser;
let viewer: TestUser;
let workspaceId: string;

const analytics = (page: Page) => screen(page, 'analytics');
const presetItem = (page: Page, name: string, scope: 'device' | 'workspace') => analytics(page).locator(`ion-item[data-preset="${name}"][data-scope="${scope}"]`);

async function openSection(page: Page, name: string): Promise<void> {
  const section = analytics(page).locator(`details[data-section="${name}"]`);
  if ((await section.getAttribute('open')) === null) await section.locator('> summary').click();
}

async function openAnalytics(person: TestUser, device: AppContextOptions['device']): Promise<Page> {
  const context = await newAppContext(browser, { device, locale: 'ru-RU', clientIp });
  const page = await context.newPage();
  await signInThroughUi(page, person, app.url, testPassword);
  await page.goto(`${app.url}/app/analytics`);
  await shows(analytics(page).locator('table.analytics-table'), 20_000);
  await openSection(page, 'presets');
  return page;
}

/** Saves the current selection under `name`; `scope` null: without choosing (read_only has no choice). */
async function savePreset(page: Page, name: string, scope: 'device' | 'workspace' | null): Promise<void> {
  await analytics(page).locator('input[name="preset-name"]').fill(name);
  if (scope) await analytics(page).locator(`button[data-scope="${scope}"]`).click();
  await analytics(page).locator('ion-button[data-action="save-preset"]').click();
}

const pressed = (page: Page, selector: string) => analytics(page).locator(selector).getAttribute('aria-pressed');

beforeAll(async () => {
  [app, browser] = await Promise.all([serveTestApp(stack), launchChromium()]);
  buyer = await createUser(sql, 'presets-buyer');
  finance = await createUser(sql, 'presets-finance');
  viewer = await createUser(sql, 'presets-viewer');
  const [row] = await sql<{ id: string }[]>`insert into public.workspaces (name, created_by) values ('Preset Traffic', ${buyer.id}) returning id`;
  if (!row) throw new Error('no workspace');
  workspaceId = row.id;
  await sql`insert into public.workspace_members (workspace_id, user_id, role)
    values (${workspaceId}, ${buyer.id}, 'media_buyer'), (${workspaceId}, ${finance.id}, 'finance'), (${workspaceId}, ${viewer.id}, 'read_only')`;
  await sql`update public.profiles set time_zone = 'UTC' where user_id in (${buyer.id}, ${finance.id}, ${viewer.id})`;
}, 120_000);

// Each test (and a retry) starts with no shared preset: each reads the workspace's presets
// whole, so one the other test saved would count as its own.
beforeEach(async () => {
  await sql`delete from public.saved_filters where workspace_id = ${workspaceId}`;
});

afterAll(async () => {
  await sql`delete from auth.users where id in (${finance?.id ?? null}, ${viewer?.id ?? null})`;
  await cleanUpBrowserTest({ browser, app, sql, workspaceIds: [workspaceId], personId: buyer?.id });
});

describe('presets shared with the workspace', () => {
  it('one member shares a selection; a teammate in another browser sees it arrive, loads it, and sees it go', async () => {
    const teammate = await openAnalytics(finance, 'phone');
    const owner = await openAnalytics(buyer, 'tablet');

    await analytics(owner).locator('[data-range="last30"]').click();
    await openSection(owner, 'layout');
    await analytics(owner).locator('[data-option="group:geo"]').click();
    await savePreset(owner, 'Команда: офферы × GEO', 'workspace');
    await shows(presetItem(owner, 'Команда: офферы × GEO', 'workspace'));
    expect(await presetItem(owner, 'Команда: офферы × GEO', 'workspace').locator('ion-button[data-action="delete-preset"]').count()).toBe(1);
    const [stored] = await sql`select owner_id, selection from public.saved_filters where workspace_id = ${workspaceId}`;
    expect(stored).toMatchObject({ owner_id: buyer.id, selection: { range: { preset: 'last30' }, groupBy: ['offer', 'geo'] } });

    // The teammate's open screen gets it live, marked as shared by its owner, without rename or delete.
    const arrived = presetItem(teammate, 'Команда: офферы × GEO', 'workspace');
    await shows(arrived, 15_000);
    expect(await arrived.innerText()).toContain('presets-buyer');
    expect(await arrived.locator('ion-button[data-action="rename-preset"], ion-button[data-action="delete-preset"]').count()).toBe(0);
    expect(await pressed(teammate, '[data-range="last30"]')).toBe('false');
    await arrived.click();
    await expect.poll(() => pressed(teammate, '[data-range="last30"]')).toBe('true');
    await openSection(teammate, 'layout');
    expect(await pressed(teammate, '[data-option="group:geo"]')).toBe('true');
    await shows(analytics(teammate).locator('th[data-column="geo"]'));

    // A personal preset of the same name stays apart, on the teammate's device only.
    await savePreset(teammate, 'Команда: офферы × GEO', 'device');
    await shows(presetItem(teammate, 'Команда: офферы × GEO', 'device'));
    expect(await presetItem(owner, 'Команда: офферы × GEO', 'device').count()).toBe(0);

    // Taking a name the workspace already uses is refused with a message that says so.
    await savePreset(teammate, 'команда: офферы × gEO', 'workspace');
    expect(await toastMessage(teammate)).toContain('уже есть общий пресет «команда: офферы × gEO»');

    await presetItem(owner, 'Команда: офферы × GEO', 'workspace').locator('ion-button[data-action="delete-preset"]').click();
    await owner.locator('ion-alert.preset-confirm-delete button.alert-button-role-destructive').click();
    await presetItem(teammate, 'Команда: офферы × GEO', 'workspace').waitFor({ state: 'detached', timeout: 15_000 });
    expect(await presetItem(teammate, 'Команда: офферы × GEO', 'device').count()).toBe(1);
    expect(await sql`select 1 from public.saved_filters where workspace_id = ${workspaceId}`).toHaveLength(0);
    await Promise.all([owner.context().close(), teammate.context().close()]);
  }, 180_000);

  it('a read_only member sees shared presets but saves on the device only', async () => {
    await sql`insert into public.saved_filters (workspace_id, owner_id, name, selection)
      values (${workspaceId}, ${buyer.id}, 'Общий вид', '{"range": {"preset": "yesterday"}, "groupBy": ["offer"], "columns": ["spend", "profit"]}')`;
    const page = await openAnalytics(viewer, 'phone');
    const shared = presetItem(page, 'Общий вид', 'workspace');
    await shows(shared, 15_000);
    expect(await shared.locator('ion-button[data-action="delete-preset"]').count()).toBe(0);
    await shared.click();
    await expect.poll(() => pressed(page, '[data-range="yesterday"]')).toBe('true');

    expect(await analytics(page).locator('button[data-scope="workspace"]').count()).toBe(0);
    expect(await analytics(page).locator('details[data-section="presets"]').innerText()).toContain('только для чтения пресеты хранятся на этом устройстве');
    await savePreset(page, 'Мой вид', null);
    await shows(presetItem(page, 'Мой вид', 'device'));
    expect(await sql`select name from public.saved_filters where workspace_id = ${workspaceId}`).toEqual([{ name: 'Общий вид' }]);
    await page.context().close();
  }, 120_000);
});
