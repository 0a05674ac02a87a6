import { readdirSync, readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoUsers } from '../../supabase/local/demoUsers.ts';
import { demoWorkspaceId } from '../../supabase/local/demoData.ts';
import { startStack, type Stack } from '../../supabase/local/stack.ts';
import { client } from '../support/clients.ts';
import { uploadSlowly } from '../support/etl.ts';
import { freePort } from '../support/globalSetup.ts';

/**
 * A load whose worker is gone must not show "running": the etl function's process killed
 * (kill -9), or stopped (SIGSTOP, a hung worker), mid-load. A stack of its own, since these
 * tests kill its function workers.
 */
let own: Stack;
let dataDir: string;
let token = '';
let buyer: SupabaseClient;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'arbidesk-abandoned-'));
  own = await startStack({ dataDir, apiPort: 0, dbPort: await freePort() });
  buyer = client(own.keys.anonKey, { apiUrl: own.apiUrl, headers: { 'x-forwarded-for': '198.51.100.36' } });
  const { data, error } = await buyer.auth.signInWithPassword({ email: 'buyer@demo.arbidesk.local', password: demoUsers.password });
  if (error || !data.session) throw new Error(`demo sign-in failed: ${error?.message}`);
  token = data.session.access_token;
}, 120_000);

afterAll(async () => {
  await own?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

/** The Deno process running this stack's etl function: a child of this process. */
function etlWorkerPid(): number {
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (parent === process.pid && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('functions/etl/index.ts')) return pid;
    } catch {
      // Gone meanwhile.
    }
  }
  throw new Error('no etl worker runs for this stack');
}

async function loadOf(fileName: string): Promise<{ id: string; status: string; error_summary: string | null }> {
  const [row] = await own.sql<{ id: string; status: string; error_summary: string | null }[]>`
    select id, status::text, error_summary from public.etl_loads where file_name = ${fileName}`;
  return row ?? { id: '', status: 'missing', error_summary: null };
}

/** Starts a slow upload and waits until its load has read rows. */
async function loadUnderWay(fileName: string): Promise<{ id: string; response: Promise<number> }> {
  const response = uploadSlowly(own.apiUrl, token, demoWorkspaceId, fileName);
  await expect.poll(async () => (await own.sql`select rows_read::int as n from public.etl_loads where file_name = ${fileName}`)[0]?.n ?? 0, { timeout: 20_000, interval: 50 }).toBeGreaterThan(0);
  return { id: (await loadOf(fileName)).id, response };
}

async function factsOf(fileName: string): Promise<number> {
  const [row] = await own.sql<{ n: number }[]>`select count(*)::int as n from public.tw_events where event_id like ${`${fileName}-%`}`;
  return row?.n ?? -1;
}

/** The reaper job, switched off for a test that must act before it does. */
async function reaper(active: boolean): Promise<void> {
  await own.sql`update cron.job set active = ${active} where jobname = 'etl-reap-abandoned-loads'`;
}

describe('a load whose worker is gone', () => {
  it('is marked failed within seconds when the worker is killed, with nothing of it applied', async () => {
    const { response } = await loadUnderWay('killed.csv');
    process.kill(etlWorkerPid(), 'SIGKILL');
    expect(await response).toBeGreaterThanOrEqual(500);
    await expect.poll(async () => (await loadOf('killed.csv')).status, { timeout: 15_000, interval: 200 }).toBe('failed');
    expect((await loadOf('killed.csv')).error_summary).toMatch(/^The load was interrupted: the worker processing it stopped.*Nothing of it was applied\. Upload the file again\.$/);
    expect(await factsOf('killed.csv')).toBe(0);
  }, 60_000);

  it('can be cancelled at once, before anything notices the worker is gone', async () => {
    await reaper(false);
    try {
      const { id, response } = await loadUnderWay('cancelled-dead.csv');
      process.kill(etlWorkerPid(), 'SIGKILL');
      await response;
      const { data, error } = await buyer.rpc('cancel_load', { load_id: id });
      expect(error).toBeNull();
      expect(data).toMatchObject({ id, status: 'cancelled', error_summary: 'The load was cancelled; the facts are as they were before it.' });
      expect(await loadOf('cancelled-dead.csv')).toMatchObject({ status: 'cancelled' });
      expect(await factsOf('cancelled-dead.csv')).toBe(0);
    } finally {
      await reaper(true);
    }
  }, 60_000);

  it('is marked failed when its worker stops answering, and its session is ended so nothing can commit', async () => {
    const { id, response } = await loadUnderWay('silent.csv');
    const worker = etlWorkerPid();
    const [session] = await own.sql<{ pid: number }[]>`select backend_pid as pid from private.etl_load_workers where load_id = ${id}`;
    process.kill(worker, 'SIGSTOP');
    try {
      // Thirty silent seconds, without waiting them out: the last heartbeat is made older.
      await own.sql`update private.etl_load_workers set heartbeat_at = now() - interval '31 seconds' where load_id = ${id}`;
      await expect.poll(async () => (await loadOf('silent.csv')).status, { timeout: 15_000, interval: 200 }).toBe('failed');
      expect((await loadOf('silent.csv')).error_summary).toMatch(/^The load was stopped: its worker stopped responding for more than 30 seconds\./);
      await expect.poll(async () => (await own.sql`select 1 from pg_stat_activity where pid = ${session?.pid ?? 0}`).length, { timeout: 10_000 }).toBe(0);
    } finally {
      process.kill(worker, 'SIGCONT');
    }
    // The worker wakes to a closed session: it changes nothing, and the reason stays.
    await response;
    expect(await loadOf('silent.csv')).toMatchObject({ status: 'failed', error_summary: expect.stringMatching(/^The load was stopped/) });
    expect(await factsOf('silent.csv')).toBe(0);
  }, 90_000);

  it('that never started is marked failed after two minutes pending', async () => {
    const [user] = await own.sql<{ id: string }[]>`select id from auth.users where email = 'buyer@demo.arbidesk.local'`;
    const [stale] = await own.sql<{ id: string }[]>`
      insert into public.etl_loads (workspace_id, source, file_name, created_by, started_at)
      values (${demoWorkspaceId}, 'tw_events', 'never-started.csv', ${user?.id ?? null}, now() - interval '121 seconds') returning id`;
    const [fresh] = await own.sql<{ id: string }[]>`
      insert into public.etl_loads (workspace_id, source, file_name, created_by) values (${demoWorkspaceId}, 'tw_events', 'just-sent.csv', ${user?.id ?? null}) returning id`;
    await expect.poll(async () => (await loadOf('never-started.csv')).status, { timeout: 15_000, interval: 200 }).toBe('failed');
    expect((await loadOf('never-started.csv')).error_summary).toBe('The load never started: no worker took it up. Nothing was applied. Upload the file again.');
    expect(await loadOf('just-sent.csv')).toMatchObject({ status: 'pending' });
    await own.sql`delete from public.etl_loads where id in (${stale?.id ?? null}, ${fresh?.id ?? null})`;
  }, 60_000);
});
