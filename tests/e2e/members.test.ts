import { randomUUID } from 'node:crypto';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppServer } from '../../supabase/local/appServer.ts';
import { closeToasts, fillIn, screen, shows, signInThroughUi, submit, toastMessage } from '../support/appDriver.ts';
import { serveTestApp } from '../support/appServer.ts';
import { cleanUpBrowserTest, launchChromium, newAppContext } from '../support/browser.ts';
import { db, stack } from '../support/clients.ts';
import { createUser, testPassword, type TestUser } from '../support/users.ts';

const sql = db();
const clientIp = { apiUrl: stack.apiUrl, ip: '203.0.113.167' };
let app: AppServer;
let browser: Browser;
let admin: TestUser;
let buyer: TestUser;
let workspaceId: string;
const newcomers: string[] = [];

type Device = 'phone' | 'tablet';

/** Settings → Members: Settings is a tab on the phone and a menu entry on the tablet. */
async function openMembers(page: Page, device: Device): Promise<Locator> {
  if (device === 'phone') await page.locator('ion-tab-button[tab="settings"]').click();
  else await page.locator('ion-menu ion-item').getByText('Settings', { exact: true }).click();
  await screen(page, 'settings').locator('ion-item[data-link="members"]').click();
  const members = screen(page, 'members');
  await shows(members.locator('[data-list="members"]'));
  await showsFully(page);
  return members;
}

/**
 * The members screen as a person sees it: Ionic fades an entering page in from opacity 0
 * (ion-page-invisible), which Playwright's visibility ignores, so a page the transition never
 * finished would pass every other check while the screen stays blank.
 */
async function showsFully(page: Page): Promise<void> {
  await shows(page.locator('.ion-page[data-page="members"]:not(.ion-page-hidden):not(.ion-page-invisible)'));
}

/** Picks a role in an Ionic select, which opens its options in a popover. */
async function pickRole(page: Page, select: Locator, label: string): Promise<void> {
  await select.click();
  const popover = page.locator('ion-popover:not(.overlay-hidden)');
  await popover.locator('ion-radio').getByText(label, { exact: true }).click();
  await popover.waitFor({ state: 'detached' });
}

async function roleOf(email: string): Promise<string | undefined> {
  const [row] = await sql<{ role: string }[]>`
    select m.role::text from public.workspace_members m join auth.users u on u.id = m.user_id
    where m.workspace_id = ${workspaceId} and u.email = ${email}`;
  return row?.role;
}

beforeAll(async () => {
  [app, browser] = await Promise.all([serveTestApp(stack), launchChromium()]);
  admin = await createUser(sql, 'members-admin');
  buyer = await createUser(sql, 'members-buyer');
  const [row] = await sql<{ id: string }[]>`insert into public.workspaces (name, created_by) values ('Delta Media', ${admin.id}) returning id`;
  if (!row) throw new Error('no workspace');
  workspaceId = row.id;
  await sql`insert into public.workspace_members (workspace_id, user_id, role) values (${workspaceId}, ${admin.id}, 'admin'), (${workspaceId}, ${buyer.id}, 'media_buyer')`;
}, 120_000);

afterAll(async () => {
  if (newcomers.length) await sql`delete from auth.users where email in ${sql(newcomers)}`;
  if (buyer) await sql`delete from auth.users where id = ${buyer.id}`;
  await cleanUpBrowserTest({ browser, app, sql, workspaceIds: [workspaceId], personId: admin?.id });
});

describe.each(['phone', 'tablet'] as const)('members on a %s', (device) => {
  it('an admin invites; the link signs a new person up into the workspace; the admin changes their role', async () => {
    const context = await newAppContext(browser, { device, locale: 'en-US', clientIp });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: app.url });
    const page = await context.newPage();
    await signInThroughUi(page, admin, app.url, testPassword);
    const members = await openMembers(page, device);
    await shows(members.locator(`ion-item[data-member="${buyer.email}"][data-role="media_buyer"]`));

    // A typo is caught before anything is sent.
    await fillIn(page, 'members', 'email', 'not-an-address');
    await submit(page, 'members');
    await shows(members.getByText('Check the email address: it does not look valid.'));

    const email = `newcomer-${device}-${randomUUID().slice(0, 8)}@test.arbidesk.local`;
    newcomers.push(email);
    await fillIn(page, 'members', 'email', email);
    await pickRole(page, members.locator('[data-form="invite"] ion-select'), 'Finance');
    await submit(page, 'members');
    expect(await toastMessage(page)).toBe(`Invitation for ${email} created. Send them the link.`);
    const card = members.locator('[data-invitation-link]');
    await shows(card);
    const link = await card.getAttribute('data-invitation-link');
    const [sent] = await sql<{ token: string; role: string }[]>`select token::text, role::text from public.workspace_invitations where workspace_id = ${workspaceId} and email = ${email}`;
    expect(sent?.role).toBe('finance');
    expect(link).toBe(`${app.url}/invite/${sent?.token}`);
    await closeToasts(page);
    await card.locator('[data-action="copy-link"]').click();
    expect(await toastMessage(page)).toBe('The link has been copied.');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(link);
    await shows(members.locator(`ion-item[data-invitation="${email}"]`).getByText(/^Valid until /));

    // Inviting the same address again is refused with what to do instead.
    await fillIn(page, 'members', 'email', email.toUpperCase());
    await submit(page, 'members');
    await shows(members.getByText('This address already has an open invitation.', { exact: false }));

    // The invitee opens the link on their own phone and signs up through it.
    const invitee = await newAppContext(browser, { device: 'phone', locale: 'en-US', clientIp });
    const inviteePage = await invitee.newPage();
    await inviteePage.goto(link ?? '');
    await shows(screen(inviteePage, 'invite'));
    await fillIn(inviteePage, 'invite', 'displayName', `Nina ${device}`);
    await fillIn(inviteePage, 'invite', 'email', email);
    await fillIn(inviteePage, 'invite', 'password', testPassword);
    await submit(inviteePage, 'invite');
    await inviteePage.waitForURL('**/app/summary');
    await shows(screen(inviteePage, 'summary').getByText('Delta Media · Finance'));
    await invitee.close();

    // The admin's list shows them as a member and no longer as invited.
    await closeToasts(page);
    await page.reload();
    await shows(screen(page, 'members').locator('[data-list="members"]'));
    const newcomer = screen(page, 'members').locator(`ion-item[data-member="${email}"]`);
    await shows(newcomer.getByText(`Nina ${device}`));
    expect(await newcomer.getAttribute('data-role')).toBe('finance');
    expect(await screen(page, 'members').locator(`ion-item[data-invitation="${email}"]`).count()).toBe(0);

    await pickRole(page, newcomer.locator('ion-select'), 'Read only');
    expect(await toastMessage(page)).toBe('The role has been changed.');
    await expect.poll(() => roleOf(email)).toBe('read_only');
    await shows(screen(page, 'members').locator(`ion-item[data-member="${email}"][data-role="read_only"]`));
    await closeToasts(page);

    // The only admin cannot step down: the database refuses, the screen says why and keeps the role.
    const me = screen(page, 'members').locator(`ion-item[data-member="${admin.email}"]`);
    await pickRole(page, me.locator('ion-select'), 'Finance');
    expect(await toastMessage(page)).toBe('The workspace needs at least one admin. Make another member admin first, then change your role or leave.');
    expect(await roleOf(admin.email)).toBe('admin');
    await expect.poll(() => me.locator('ion-select').evaluate((select) => (select as unknown as { value: unknown }).value)).toBe('admin');
    await context.close();
  }, 120_000);

  it('an admin revokes an invitation, whose link then says it was withdrawn, and renews an expired one', async () => {
    const email = `revoked-${device}-${randomUUID().slice(0, 8)}@test.arbidesk.local`;
    const lapsed = `lapsed-${device}-${randomUUID().slice(0, 8)}@test.arbidesk.local`;
    const [sent] = await sql<{ token: string }[]>`
      insert into public.workspace_invitations (workspace_id, email, role, invited_by) values (${workspaceId}, ${email}, 'read_only', ${admin.id}) returning token::text`;
    const [old] = await sql<{ id: string }[]>`
      insert into public.workspace_invitations (workspace_id, email, role, invited_by, expires_at)
      values (${workspaceId}, ${lapsed}, 'finance', ${admin.id}, now() - interval '1 day') returning id`;
    const context = await newAppContext(browser, { device, locale: 'ru-RU', clientIp });
    const page = await context.newPage();
    await signInThroughUi(page, admin, app.url, testPassword);
    if (device === 'tablet') await page.locator('ion-menu ion-item').getByText('Настройки', { exact: true }).click();
    else await page.locator('ion-tab-button[tab="settings"]').click();
    await screen(page, 'settings').locator('ion-item[data-link="members"]').click();
    await showsFully(page);
    const row = screen(page, 'members').locator(`ion-item[data-invitation="${email}"]`);
    await shows(row.getByText(/^Действует до /));
    await row.locator('[data-action="revoke"]').click();
    await page.locator('ion-alert.member-confirm-revoke button.alert-button-role-confirm').click();
    expect(await toastMessage(page)).toBe('Приглашение отозвано.');
    await row.waitFor({ state: 'detached' });
    await closeToasts(page);

    // An expired invitation is marked; inviting the address again replaces it with a new link.
    const expired = screen(page, 'members').locator(`ion-item[data-invitation="${lapsed}"][data-expired="true"]`);
    await shows(expired.getByText(/^Истекло .*Пригласите этот адрес снова/));
    await fillIn(page, 'members', 'email', lapsed);
    await submit(page, 'members');
    expect(await toastMessage(page)).toBe(`Приглашение для ${lapsed} создано. Отправьте ссылку.`);
    await shows(screen(page, 'members').locator(`ion-item[data-invitation="${lapsed}"]:not([data-expired])`));
    const renewed = await sql`select id = ${old?.id ?? ''} as old, revoked_at is not null as revoked from public.workspace_invitations where email = ${lapsed} order by created_at`;
    expect(renewed).toEqual([{ old: true, revoked: true }, { old: false, revoked: false }]);

    await page.goto(`${app.url}/invite/${sent?.token}`);
    await screen(page, 'invite').getByText('Принять приглашение').click();
    await shows(screen(page, 'invite').getByText('Администратор отозвал это приглашение'));
    await context.close();
  }, 60_000);

  it('a media buyer sees everyone and their roles, without the admin controls', async () => {
    const context = await newAppContext(browser, { device, locale: 'en-US', clientIp });
    const page = await context.newPage();
    await signInThroughUi(page, buyer, app.url, testPassword);
    const members = await openMembers(page, device);
    await shows(members.locator(`ion-item[data-member="${admin.email}"]`).getByText('Admin', { exact: true }));
    await shows(members.locator(`ion-item[data-member="${buyer.email}"]`).getByText('Media buyer', { exact: true }));
    await shows(members.getByText(/^Only the workspace's admins change roles/));
    expect(await members.locator('[data-action="change-role"], [data-action="remove-member"], [data-form="invite"], [data-list="invitations"]').count()).toBe(0);
    await context.close();
  }, 60_000);
});
