import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppServer } from '../../supabase/local/appServer.ts';
import { plain, screen, shows, signInThroughUi, toastMessage } from '../support/appDriver.ts';
import { serveTestApp } from '../support/appServer.ts';
import { seriousAxeViolations } from '../support/axe.ts';
import { launchChromium, newAppContext, type devices } from '../support/browser.ts';
import { db, stack } from '../support/clients.ts';
import { storedOriginal } from '../support/imports.ts';
import { accessToken, createUser, testPassword, type TestUser } from '../support/users.ts';

/**
 * The upload screen sends files to Storage over tus in 6 MB chunks: a dropped request is
 * retried, a closed page or a lost connection leaves an upload that the same file picked again
 * (or Resume, or the connection coming back) continues from the server's offset, into the same
 * load; Cancel deletes what Storage has.
 */
const sql = db();
const clientIp = { apiUrl: stack.apiUrl, ip: '203.0.113.72' };
const tusEndpoint = `${stack.apiUrl}/storage/v1/upload/resumable`;
const chunk = 6 * 1024 * 1024;
const folder = mkdtempSync(join(tmpdir(), 'arbidesk-resume-'));
let app: AppServer;
let browser: Browser;
let person: TestUser;
let token: string;
let workspaceId: string;

const today = new Date().toISOString().slice(0, 10);

/**
 * A conversions export of 13 MB (three chunks: 6 + 6 + 1), unique per call so it never is a
 * repeat, as a file on disk: picked twice it has the same modification time, as a person's file has.
 */
function bigExport(name: string): { path: string; bytes: Buffer } {
  const run = randomUUID().slice(0, 8);
  const rows = ['event_id,event_time,event_type,campaign_id,offer_id,geo,source,sub1,player_id,amount,payout,currency'];
  let size = rows[0]?.length ?? 0;
  for (let i = 0; size < 13 * 1024 * 1024; i++) {
    const row = `${run}-${i},${today} 11:00,registration,c9,o9,RU,moloco,n9,${run}p${i},,1,USD`;
    rows.push(row);
    size += row.length + 1;
  }
  const bytes = Buffer.from(`${rows.join('\n')}\n`);
  const path = join(folder, name);
  writeFileSync(path, bytes);
  return { path, bytes };
}

/** What the page sent to the tus endpoint: creations (POST), each PATCH's Upload-Offset, the upload's URL. */
interface TusTraffic {
  creations: number;
  patchOffsets: number[];
  location: string | null;
}

function recordTus(page: Page): TusTraffic {
  const traffic: TusTraffic = { creations: 0, patchOffsets: [], location: null };
  page.on('request', (request) => {
    if (request.method() === 'POST' && request.url() === tusEndpoint) traffic.creations += 1;
    if (request.method() === 'PATCH' && request.url().startsWith(`${tusEndpoint}/`)) traffic.patchOffsets.push(Number(request.headers()['upload-offset']));
  });
  page.on('response', (response) => {
    if (response.request().method() === 'POST' && response.url() === tusEndpoint && response.status() === 201) {
      void response.headerValue('location').then((location) => (traffic.location = location));
    }
  });
  return traffic;
}

/** Makes PATCH requests fail as a dropped connection fails them (`limit` of them, or all), until stopped. */
async function dropPatches(page: Page, limit = Infinity): Promise<{ dropped(): number; stop(): Promise<void> }> {
  let dropped = 0;
  const handler = (route: Route) => {
    if (route.request().method() !== 'PATCH' || dropped >= limit) return route.continue();
    dropped += 1;
    return route.abort('connectionreset');
  };
  await page.route(`${tusEndpoint}/**`, handler);
  return { dropped: () => dropped, stop: () => page.unroute(`${tusEndpoint}/**`, handler) };
}

/** The offset Storage has for a tus upload (TUS HEAD), or null once there is no such upload. */
async function serverOffset(location: string | null): Promise<number | null> {
  if (!location) throw new Error('the upload was never created');
  const res = await fetch(location, { method: 'HEAD', headers: { apikey: stack.anonKey, authorization: `Bearer ${token}`, 'tus-resumable': '1.0.0' } });
  return res.status === 200 ? Number(res.headers.get('upload-offset')) : null;
}

async function loadsOf(fileName: string): Promise<{ id: string; status: string }[]> {
  return sql<{ id: string; status: string }[]>`select id, status from public.etl_loads where workspace_id = ${workspaceId} and file_name = ${fileName}`;
}

/** tus-js-client's notes of unfinished uploads on this device. */
const storedUploads = (page: Page) => page.evaluate(() => Object.keys(localStorage).filter((key) => key.startsWith('tus::')));

async function openUpload(device: keyof typeof devices, locale = 'ru-RU'): Promise<{ page: Page; traffic: TusTraffic; close(): Promise<void> }> {
  const context = await newAppContext(browser, { device, locale, clientIp });
  const page = await context.newPage();
  const traffic = recordTus(page);
  await signInThroughUi(page, person, app.url, testPassword);
  await page.goto(`${app.url}/app/upload`);
  await shows(screen(page, 'upload'));
  return { page, traffic, close: () => context.close() };
}

async function pickAndSend(page: Page, path: string): Promise<void> {
  const uploadScreen = screen(page, 'upload');
  await uploadScreen.locator('input[type="file"]').setInputFiles(path);
  await shows(uploadScreen.locator('[data-upload="preview"]'), 30_000);
  await uploadScreen.locator('[data-action="upload"]').click();
}

const card = (page: Page) => screen(page, 'upload').locator('[data-upload="progress"]');

beforeAll(async () => {
  [app, browser] = await Promise.all([serveTestApp(stack), launchChromium()]);
  person = await createUser(sql, 'resumer');
  token = await accessToken(person, clientIp.ip);
  const [row] = await sql<{ id: string }[]>`insert into public.workspaces (name, created_by) values ('Resume Media', ${person.id}) returning id`;
  if (!row) throw new Error('no workspace');
  workspaceId = row.id;
  await sql`insert into public.workspace_members (workspace_id, user_id, role) values (${workspaceId}, ${person.id}, 'media_buyer')`;
  await sql`update public.profiles set time_zone = 'UTC' where user_id = ${person.id}`;
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
  if (workspaceId) await sql`delete from public.workspaces where id = ${workspaceId}`;
  if (person) await sql`delete from auth.users where id = ${person.id}`;
  await sql.end();
  rmSync(folder, { recursive: true, force: true });
});

describe('resumable uploads', () => {
  it('after the page closed mid-upload, the same file picked again continues the same upload from the server offset', async () => {
    const { page, traffic, close } = await openUpload('phone');
    const file = bigExport('closed-laptop.csv');
    const drops = await dropPatches(page);
    await pickAndSend(page, file.path);

    // The first chunk went with the creation; the next ones cannot get through.
    await expect.poll(() => drops.dropped(), { timeout: 30_000 }).toBeGreaterThan(0);
    await expect.poll(async () => Number(await card(page).getAttribute('data-sent'))).toBeGreaterThanOrEqual(chunk);
    const bar = await card(page).locator('ion-progress-bar').evaluate((element) => (element as unknown as { value: number }).value);
    expect(bar).toBeGreaterThan(0);
    expect(bar).toBeLessThan(1);
    expect(plain(await card(page).locator('[data-upload="sent"]').innerText())).toMatch(/^Отправлено [\d,]+ МБ из 13 МБ \([\d,]+ %\)$/);
    const [load] = await loadsOf('closed-laptop.csv');
    expect(load?.status).toBe('pending');
    expect(await serverOffset(traffic.location)).toBe(chunk);
    const firstUpload = traffic.location;

    // The laptop closes: the page is gone mid-upload. Back, the same file is picked again.
    await page.reload();
    await drops.stop();
    const creations = traffic.creations;
    const patches = traffic.patchOffsets.length;
    await shows(screen(page, 'upload'), 15_000);
    await pickAndSend(page, file.path);
    await shows(card(page).locator('[data-upload="note"]').getByText('Продолжаем прерванную отправку: 6 МБ уже были на сервере.'));
    await shows(screen(page, 'upload').locator('[data-upload="progress"][data-status="done"]'), 90_000);

    expect(traffic.creations).toBe(creations);
    expect(traffic.patchOffsets[patches]).toBe(chunk);
    expect(traffic.location).toBe(firstUpload);
    expect(await loadsOf('closed-laptop.csv')).toEqual([{ id: load?.id, status: 'done' }]);
    expect((await storedOriginal(workspaceId, load?.id ?? ''))?.equals(file.bytes)).toBe(true);
    expect(await storedUploads(page)).toEqual([]);
    await close();
  }, 180_000);

  it('a dropped request is sent again by itself, from the offset Storage has', async () => {
    const { page, traffic, close } = await openUpload('tablet', 'en-US');
    const file = bigExport('dropped.csv');
    const drops = await dropPatches(page, 1);
    await pickAndSend(page, file.path);
    await shows(screen(page, 'upload').locator('[data-upload="progress"][data-status="done"]'), 90_000);

    expect(drops.dropped()).toBe(1);
    expect(traffic.creations).toBe(1);
    // The dropped PATCH and its retry both start where the creation's chunk ended.
    expect(traffic.patchOffsets.slice(0, 2)).toEqual([chunk, chunk]);
    expect(traffic.patchOffsets.at(-1)).toBe(2 * chunk);
    const [load, ...others] = await loadsOf('dropped.csv');
    expect(others).toEqual([]);
    expect(load?.status).toBe('done');
    expect((await storedOriginal(workspaceId, load?.id ?? ''))?.equals(file.bytes)).toBe(true);
    await close();
  }, 180_000);

  it('offline, it says so and keeps what was sent; back online, it goes on from there by itself', async () => {
    const { page, traffic, close } = await openUpload('phone');
    const context = page.context();
    const file = bigExport('offline.csv');
    const cut = async (route: Route) => {
      if (route.request().method() !== 'PATCH') return route.continue();
      await context.setOffline(true);
      return route.abort('internetdisconnected');
    };
    await page.route(`${tusEndpoint}/**`, cut);
    await pickAndSend(page, file.path);

    const stopped = screen(page, 'upload').locator('[data-upload="progress"][data-stage="interrupted"]');
    await shows(stopped, 30_000);
    const notes = await stopped.locator('[data-upload="note"]').allInnerTexts();
    expect(notes[0]).toContain('Нет связи с сервером');
    expect(notes[1]).toContain('«Продолжить» отправит оставшееся с этого места');
    await shows(stopped.locator('[data-action="resume-upload"]'));
    expect(await seriousAxeViolations(page, screen(page, 'upload'))).toEqual([]);
    await page.unroute(`${tusEndpoint}/**`, cut);
    expect(await serverOffset(traffic.location)).toBe(chunk);

    const patches = traffic.patchOffsets.length;
    await context.setOffline(false);
    await shows(screen(page, 'upload').locator('[data-upload="progress"][data-status="done"]'), 90_000);
    expect(traffic.creations).toBe(1);
    expect(traffic.patchOffsets[patches]).toBe(chunk);
    const [load, ...others] = await loadsOf('offline.csv');
    expect(others).toEqual([]);
    expect((await storedOriginal(workspaceId, load?.id ?? ''))?.equals(file.bytes)).toBe(true);
    await close();
  }, 180_000);

  it('a load still running when the start call answers (202) is followed to its end, by polling while realtime is silent', async () => {
    const { page, close } = await openUpload('phone', 'en-US');
    // Realtime hears nothing: only the poll can tell the app how the load goes.
    await page.routeWebSocket(/\/realtime\/v1\//, () => undefined);
    const file = bigExport('followed.csv');
    const asked: { start?: { load_id: string; mapping: unknown } } = {};
    await page.route(`${stack.apiUrl}/functions/v1/etl`, async (route) => {
      const start = route.request().postDataJSON() as { load_id: string; mapping: unknown };
      asked.start = start;
      const [row] = await sql`
        select id, file_name, source, 'running' as status, null as phase, rows_read::text, rows_accepted::text, rows_rejected::text,
          rows_superseded::text, error_summary, duplicate_of, created_by, started_at::text, finished_at::text
        from public.etl_loads where id = ${start.load_id}`;
      await route.fulfill({ status: 202, json: { load: row } });
    });
    await pickAndSend(page, file.path);
    await shows(card(page).locator('[data-phase="starting"]'), 30_000);
    expect(await card(page).getAttribute('data-status')).toBe('running');

    // The start the app asked for runs now, as it would have behind the 202.
    const real = await fetch(`${stack.apiUrl}/functions/v1/etl`, {
      method: 'POST',
      headers: { apikey: stack.anonKey, authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(asked.start),
    });
    expect(real.status).toBe(200);
    await shows(screen(page, 'upload').locator('[data-upload="progress"][data-status="done"]'), 30_000);
    expect(await card(page).locator('[data-upload="counts"]').innerText()).toMatch(/^Read [\d,]+ · accepted [\d,]+ · rejected 0$/);
    expect(await toastMessage(page)).toMatch(/^followed\.csv loaded: [\d,]+ rows accepted, 0 rejected\.$/);
    expect(await loadsOf('followed.csv')).toEqual([{ id: asked.start?.load_id, status: 'done' }]);
    await close();
  }, 180_000);

  it('Cancel while sending deletes what Storage has and cancels the load', async () => {
    const { page, traffic, close } = await openUpload('tablet');
    const file = bigExport('cancelled.csv');
    let held = 0;
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    const hold = async (route: Route) => {
      if (route.request().method() !== 'PATCH') return route.continue();
      held += 1;
      await released;
      return route.abort('connectionreset').catch(() => undefined);
    };
    await page.route(`${tusEndpoint}/**`, hold);
    await pickAndSend(page, file.path);
    await expect.poll(() => held, { timeout: 30_000 }).toBeGreaterThan(0);
    expect(await serverOffset(traffic.location)).toBe(chunk);

    await card(page).locator('ion-button[data-action="cancel-upload"]:not([disabled])').click();
    await shows(screen(page, 'upload').locator('[data-upload="progress"][data-status="cancelled"]'), 30_000);
    expect(await toastMessage(page)).toContain('загрузка отменена');
    release();
    await page.unroute(`${tusEndpoint}/**`, hold);

    const [load] = await loadsOf('cancelled.csv');
    expect(load?.status).toBe('cancelled');
    expect(await serverOffset(traffic.location)).toBeNull();
    expect(await storedOriginal(workspaceId, load?.id ?? '')).toBeNull();
    expect(await storedUploads(page)).toEqual([]);
    await close();
  }, 180_000);
});
