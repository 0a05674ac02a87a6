import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoUsers } from '../../supabase/local/demoUsers.ts';
import { demoWorkspaceId } from '../../supabase/local/demoData.ts';
import { startStack, type Stack } from '../../supabase/local/stack.ts';
import { client } from '../support/clients.ts';
import { etlWorkerPids } from '../support/etlWorkers.ts';
import { freePort } from '../support/globalSetup.ts';

/**
 * A load is read from Storage in slices, one invocation each (docs/imports.md). When the
 * worker at it dies (kill -9) the load must neither stay "running" nor lose or double a row: it
 * goes on from its last checkpoint, or is cancelled or failed cleanly. A stack of its own, with
 * slices of 64 KiB so a test file is read in dozens of them, since these tests kill its workers.
 */
let own: Stack;
let dataDir: string;
let token = '';
let buyer: SupabaseClient;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'arbidesk-abandoned-'));
  own = await startStack({ dataDir, apiPort: 0, dbPort: await freePort(), functionSecrets: { ETL_SLICE_BYTES: String(64 * 1024) } });
  buyer = client(own.keys.anonKey, { apiUrl: own.apiUrl, headers: { 'x-forwarded-for': '198.51.100.36' } });
  const { data, error } = await buyer.auth.signInWithPassword({ email: 'buyer@demo.arbidesk.local', password: demoUsers.password });
  if (error || !data.session) throw new Error(`demo sign-in failed: ${error?.message}`);
  token = data.session.access_token;
}, 120_000);

afterAll(async () => {
  await own?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

function killWorkers(): void {
  for (const pid of etlWorkerPids()) process.kill(pid, 'SIGKILL');
}

/** A file of `rows` conversions with ids `<name>-<i>`, some 60 bytes a row. */
function conversions(name: string, rows: number): string {
  let text = 'event_id,event_time,event_type,campaign_id,offer_id,geo,payout,currency\n';
  for (let i = 0; i < rows; i++) text += `${name}-${String(i).padStart(6, '0')},2026-07-02,registration,c1,o1,RU,1,USD\n`;
  return text;
}

/** Sends a file through the etl function (stored in Storage, then read in slices); the answer's status, 0 when the connection died. */
function send(fileName: string, body: string): Promise<number> {
  const params = new URLSearchParams({ workspace_id: demoWorkspaceId, file_name: fileName });
  return fetch(`${own.apiUrl}/functions/v1/etl?${params}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
    body,
  }).then(async (r) => {
    await r.arrayBuffer().catch(() => undefined);
    return r.status;
  }, () => 0);
}

async function loadOf(fileName: string): Promise<{ id: string; status: string; error_summary: string | null; rows_accepted: number }> {
  const [row] = await own.sql<{ id: string; status: string; error_summary: string | null; rows_accepted: number }[]>`
    select id, status::text, error_summary, rows_accepted::int from public.etl_loads where file_name = ${fileName}`;
  return row ?? { id: '', status: 'missing', error_summary: null, rows_accepted: 0 };
}

/** Waits until the load has committed `slices` slices. */
async function slicesDone(fileName: string, slices: number): Promise<string> {
  await expect.poll(async () => (await own.sql`
    select s.next_slice from private.etl_load_slices s join public.etl_loads l on l.id = s.load_id where l.file_name = ${fileName}`)[0]?.next_slice ?? 0,
  { timeout: 30_000, interval: 20 }).toBeGreaterThanOrEqual(slices);
  return (await loadOf(fileName)).id;
}

async function factsOf(fileName: string): Promise<{ rows: number; distinct: number }> {
  const [row] = await own.sql<{ rows: number; distinct: number }[]>`
    select count(*)::int as rows, count(distinct event_id)::int as distinct from public.tw_events where event_id like ${`${fileName}-%`} and is_active`;
  return row ?? { rows: -1, distinct: -1 };
}

async function stageExists(loadId: string): Promise<boolean> {
  const [row] = await own.sql<{ exists: boolean }[]>`select to_regclass('private.' || private.etl_stage_name(${loadId})) is not null as exists`;
  return row?.exists ?? false;
}

/** The reaper job, switched off for a test that must act before it does. */
async function reaper(active: boolean): Promise<void> {
  await own.sql`update cron.job set active = ${active} where jobname = 'etl-reap-abandoned-loads'`;
}

describe('a load whose worker dies', () => {
  it('goes on from its last checkpoint and ends with every row of the file exactly once', async () => {
    const rows = 12_000;
    const answer = send('killed.csv', conversions('killed.csv', rows));
    const id = await slicesDone('killed.csv', 3);
    killWorkers();
    await answer;
    // The reaper (every 10 s) finds the load silent for 15 s and asks the function to go on.
    await expect.poll(async () => (await loadOf('killed.csv')).status, { timeout: 90_000, interval: 250 }).toBe('done');
    expect(await loadOf('killed.csv')).toMatchObject({ rows_accepted: rows, error_summary: null });
    expect(await factsOf('killed.csv')).toEqual({ rows, distinct: rows });
    const [all] = await own.sql<{ n: number }[]>`select count(*)::int as n from public.tw_events where load_id = ${id}`;
    expect(all?.n).toBe(rows);
    const [rollup] = await own.sql<{ n: number }[]>`select coalesce(sum(registrations), 0)::int as n from public.daily_metrics where workspace_id = ${demoWorkspaceId} and date = '2026-07-02'`;
    expect(rollup?.n).toBeGreaterThanOrEqual(rows);
    await expect.poll(async () => stageExists(id), { timeout: 20_000, interval: 200 }).toBe(false);
  }, 150_000);

  it('can be cancelled at once, before anything notices the worker is gone, and leaves nothing behind', async () => {
    await reaper(false);
    try {
      const answer = send('cancelled-dead.csv', conversions('cancelled-dead.csv', 12_000));
      const id = await slicesDone('cancelled-dead.csv', 2);
      killWorkers();
      await answer;
      const { data, error } = await buyer.rpc('cancel_load', { load_id: id });
      expect(error).toBeNull();
      expect(data).toMatchObject({ id, status: 'cancelled', error_summary: 'The load was cancelled; the facts are as they were before it.' });
      expect(await factsOf('cancelled-dead.csv')).toEqual({ rows: 0, distinct: 0 });
      expect(await stageExists(id)).toBe(true);
      await reaper(true);
      // The reaper's next run drops what the load had staged, and its checkpoint.
      await expect.poll(async () => stageExists(id), { timeout: 20_000, interval: 200 }).toBe(false);
      const [checkpoint] = await own.sql`select 1 from private.etl_load_slices where load_id = ${id}`;
      expect(checkpoint).toBeUndefined();
    } finally {
      await reaper(true);
    }
  }, 90_000);

  it('is failed with the reason once resuming it no longer moves it forward', async () => {
    await reaper(false);
    let id = '';
    try {
      const answer = send('stuck.csv', conversions('stuck.csv', 12_000));
      id = await slicesDone('stuck.csv', 2);
      killWorkers();
      await answer;
      // As if it had been resumed three times from the same line: the next resume fails it.
      await own.sql`update private.etl_load_slices set resumes = 3 where load_id = ${id}`;
      await own.sql`update private.etl_load_workers set heartbeat_at = now() - interval '16 seconds' where load_id = ${id}`;
    } finally {
      await reaper(true);
    }
    await expect.poll(async () => (await loadOf('stuck.csv')).status, { timeout: 30_000, interval: 200 }).toBe('failed');
    expect((await loadOf('stuck.csv')).error_summary).toMatch(/^The load stopped moving forward: it was resumed 3 times from line \d+ without getting further\. Nothing of it was applied\./);
    expect(await factsOf('stuck.csv')).toEqual({ rows: 0, distinct: 0 });
    await expect.poll(async () => stageExists(id), { timeout: 20_000, interval: 200 }).toBe(false);
  }, 90_000);

  it('waiting for its file is failed after 24 hours, not before', async () => {
    const [user] = await own.sql<{ id: string }[]>`select id from auth.users where email = 'buyer@demo.arbidesk.local'`;
    const [stale] = await own.sql<{ id: string }[]>`
      insert into public.etl_loads (workspace_id, source, file_name, created_by, started_at)
      values (${demoWorkspaceId}, 'tw_events', 'never-uploaded.csv', ${user?.id ?? null}, now() - interval '24 hours 1 minute') returning id`;
    // A big file over a slow link: still uploading after two hours.
    const [slow] = await own.sql<{ id: string }[]>`
      insert into public.etl_loads (workspace_id, source, file_name, created_by, started_at)
      values (${demoWorkspaceId}, 'tw_events', 'still-uploading.csv', ${user?.id ?? null}, now() - interval '2 hours') returning id`;
    await expect.poll(async () => (await loadOf('never-uploaded.csv')).status, { timeout: 15_000, interval: 200 }).toBe('failed');
    expect((await loadOf('never-uploaded.csv')).error_summary).toBe('The file was not uploaded within 24 hours, so the load never started. Nothing was applied. Upload the file again.');
    expect(await loadOf('still-uploading.csv')).toMatchObject({ status: 'pending' });
    await own.sql`delete from public.etl_loads where id in (${stale?.id ?? null}, ${slow?.id ?? null})`;
  }, 60_000);
});
