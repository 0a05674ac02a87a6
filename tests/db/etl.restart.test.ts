import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoUsers } from '../../supabase/local/demoUsers.ts';
import { demoWorkspaceId } from '../../supabase/local/demoData.ts';
import { startStack, type Stack } from '../../supabase/local/stack.ts';
import { client } from '../support/clients.ts';
import { upload, uploadSlowly } from '../support/etl.ts';
import { freePort } from '../support/globalSetup.ts';

/** A stack of its own, since this test stops its database mid-load. */
let own: Stack;
let dataDir: string;
let token = '';

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'arbidesk-restart-'));
  own = await startStack({ dataDir, apiPort: 0, dbPort: await freePort() });
  const auth = client(own.keys.anonKey, { apiUrl: own.apiUrl, headers: { 'x-forwarded-for': '198.51.100.35' } });
  const { data, error } = await auth.auth.signInWithPassword({ email: 'buyer@demo.arbidesk.local', password: demoUsers.password });
  if (error || !data.session) throw new Error(`demo sign-in failed: ${error?.message}`);
  token = data.session.access_token;
});

afterAll(async () => {
  await own.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('a database restart in the middle of a load', () => {
  it('applies nothing of the interrupted load, which is marked failed by itself within seconds, and the next load runs', async () => {
    const header = 'event_id,event_time,event_type,campaign_id,offer_id,geo,payout,currency\n';
    const first = await upload(client(token, { apiUrl: own.apiUrl, headers: { authorization: `Bearer ${token}` } }), demoWorkspaceId, 'before.csv', `${header}b1,2026-07-01,registration,c1,o1,RU,1,USD\n`);
    expect(first.body.load.status).toBe('done');
    const response = uploadSlowly(own.apiUrl, token, demoWorkspaceId, 'interrupted.csv');
    await expect.poll(async () => {
      const [row] = await own.sql`select rows_read::int as n from public.etl_loads where file_name = 'interrupted.csv'`;
      return row?.n ?? 0;
    }, { timeout: 20_000, interval: 50 }).toBeGreaterThan(0);
    await own.database.stop();
    await own.database.start();
    expect(await response).not.toBe(200);
    await expect.poll(async () => own.sql`select count(*)::int as n from public.tw_events`.then((r) => r[0]?.n, () => -1), { timeout: 10_000 }).toBe(1);
    // No other upload needed: the reaper (every 10 s) finds that the load's session is gone.
    await expect.poll(async () => own.sql`select status::text from public.etl_loads where file_name = 'interrupted.csv'`.then((r) => r[0]?.status, () => 'unreachable'), { timeout: 20_000, interval: 200 }).toBe('failed');

    const after = await upload(client(token, { apiUrl: own.apiUrl, headers: { authorization: `Bearer ${token}` } }), demoWorkspaceId, 'after.csv', `${header}a1,2026-07-03,registration,c1,o1,RU,1,USD\n`);
    expect(after.body.load.status).toBe('done');
    const loads = await own.sql`select file_name, status, error_summary from public.etl_loads order by seq`;
    expect(loads.map((l) => [l.file_name, l.status])).toEqual([['before.csv', 'done'], ['interrupted.csv', 'failed'], ['after.csv', 'done']]);
    expect(loads[1]?.error_summary).toMatch(/^The load was interrupted/);
    const events = await own.sql`select event_id from public.tw_events where is_active order by event_id`;
    expect(events.map((e) => e.event_id)).toEqual(['a1', 'b1']);
    const [rollup] = await own.sql`select sum(registrations)::int as n from public.daily_metrics`;
    expect(rollup?.n).toBe(2);
  });
});
