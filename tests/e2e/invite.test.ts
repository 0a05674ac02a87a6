import { randomUUID } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppServer } from '../../supabase/local/appServer.ts';
import { fillIn, screen, shows, submit, toastMessage } from '../support/appDriver.ts';
import { serveTestApp } from '../support/appServer.ts';
import { launchChromium, newAppContext } from '../support/browser.ts';
import { db, stack } from '../support/clients.ts';
import { createUser, testPassword, type TestUser } from '../support/users.ts';

const sql = db();
const clientIp = { apiUrl: stack.apiUrl, ip: '203.0.113.30' };
let app: AppServer;
let browser: Browser;
let admin: TestUser;
let workspaceId: string;
const emails: string[] = [];

/** An invitation as an admin sends it, straight into the table (the admin screens come later). */
async function invite(email: string, role: string, expiresInDays = 7): Promise<string> {
  emails.push(email);
  const [row] = await sql<{ token: string }[]>`
    insert into public.workspace_invitations (workspace_id, email, role, invited_by, expires_at)
    values (${workspaceId}, ${email}, ${role}, ${admin.id}, now() + make_interval(days => ${expiresInDays}))
    returning token::text`;
  if (!row) throw new Error('no invitation');
  return row.token;
}

async function openInvitation(token: string, locale = 'en-US'): Promise<{ context: BrowserContext; page: Page }> {
  const context = await newAppContext(browser, { device: 'phone', locale, clientIp });
  const page = await context.newPage();
  await page.goto(`${app.url}/invite/${token}`);
  await shows(screen(page, 'invite'));
  return { context, page };
}

async function signInAndJoin(page: Page, email: string): Promise<void> {
  await screen(page, 'invite').locator('ion-segment-button').nth(1).click();
  // The sign-in form replaces the sign-up one (without a name field) once the segment has
  // changed: fields filled before that would be lost with the old form.
  await screen(page, 'invite').locator('input[name="displayName"]').waitFor({ state: 'detached' });
  await fillIn(page, 'invite', 'email', email);
  await fillIn(page, 'invite', 'password', testPassword);
  await submit(page, 'invite');
}

beforeAll(async () => {
  [app, browser] = await Promise.all([serveTestApp(stack), launchChromium()]);
  admin = await createUser(sql, 'inviter');
  const [row] = await sql<{ id: string }[]>`insert into public.workspaces (name, created_by) values ('Gamma Media', ${admin.id}) returning id`;
  if (!row) throw new Error('no workspace');
  workspaceId = row.id;
  await sql`insert into public.workspace_members (workspace_id, user_id, role) values (${workspaceId}, ${admin.id}, 'admin')`;
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
  if (workspaceId) await sql`delete from public.workspaces where id = ${workspaceId}`;
  await sql`delete from auth.users where id = ${admin.id} or email in ${sql(emails.length ? emails : [''])}`;
  await sql.end();
});

describe('the invitation link /invite/<token>', () => {
  it('a new person creates an account and lands in the workspace with the invited role', async () => {
    const email = `newcomer-${randomUUID().slice(0, 8)}@test.arbidesk.local`;
    const token = await invite(email, 'finance');
    const { context, page } = await openInvitation(token, 'ru-RU');
    await shows(screen(page, 'invite').getByText('Вступление в команду'));
    await fillIn(page, 'invite', 'displayName', 'Нина Финансова');
    await fillIn(page, 'invite', 'email', email);
    await fillIn(page, 'invite', 'password', testPassword);
    await submit(page, 'invite');
    await page.waitForURL('**/app/summary');
    await shows(screen(page, 'summary').getByText('Gamma Media · Финансы'));
    expect(await toastMessage(page)).toBe('Вы вступили в рабочее пространство.');

    const [member] = await sql`
      select m.role, p.display_name, p.locale, i.accepted_at is not null as accepted
      from auth.users u
      join public.workspace_members m on m.user_id = u.id and m.workspace_id = ${workspaceId}
      join public.profiles p on p.user_id = u.id
      join public.workspace_invitations i on i.token = ${token}
      where u.email = ${email}`;
    expect(member).toEqual({ role: 'finance', display_name: 'Нина Финансова', locale: 'ru', accepted: true });

    // The link is spent now: opening it again says so and offers the way on.
    await page.goto(`${app.url}/invite/${token}`);
    await screen(page, 'invite').getByText('Принять приглашение').click();
    await shows(screen(page, 'invite').getByText('Это приглашение уже использовано'));
    await shows(screen(page, 'invite').getByText('Перейти в ArbiDesk'));
    await context.close();
  }, 60_000);

  it('someone with an account signs in and joins', async () => {
    const existing = await createUser(sql, 'existing');
    emails.push(existing.email);
    const { context, page } = await openInvitation(await invite(existing.email, 'read_only'));
    await signInAndJoin(page, existing.email);
    await page.waitForURL('**/app/summary');
    await shows(screen(page, 'summary').getByText('Gamma Media · Read only'));
    await context.close();
  }, 60_000);

  it('an expired invitation, one for another address and a broken link each say what to do', async () => {
    const stranger = await createUser(sql, 'stranger');
    emails.push(stranger.email);
    const expired = await openInvitation(await invite(stranger.email, 'media_buyer', -1));
    await signInAndJoin(expired.page, stranger.email);
    await shows(screen(expired.page, 'invite').getByText(/^This invitation expired on [A-Z][a-z]+ \d{1,2}(st|nd|rd|th), \d{4}$/));
    await shows(screen(expired.page, 'invite').getByText('Ask the workspace admin for a new invitation link.'));
    await expired.context.close();

    const elsewhere = await openInvitation(await invite(`someone-else-${randomUUID().slice(0, 8)}@test.arbidesk.local`, 'admin'));
    await signInAndJoin(elsewhere.page, stranger.email);
    await shows(screen(elsewhere.page, 'invite').getByText('This invitation was sent to another email address'));
    await screen(elsewhere.page, 'invite').getByText('Use another account').click();
    await shows(screen(elsewhere.page, 'invite').locator('input[name="email"]'));
    await elsewhere.context.close();

    const broken = await openInvitation('not-a-token');
    await shows(screen(broken.page, 'invite').getByText('This invitation link is not valid'));
    await broken.context.close();
    const memberships = await sql`select 1 from public.workspace_members where user_id = ${stranger.id}`;
    expect(memberships).toHaveLength(0);
  }, 60_000);
});
