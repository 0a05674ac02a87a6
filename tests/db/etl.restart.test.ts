import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoUsers } from '../../supabase/local/demoUsers.ts';
import { demoWorkspaceId } from '../../supabase/local/demoData.ts';
import { startStack, type Stack } from '../../supabase/local/stack.ts';
import { client } from '../support/clients.ts';
import { upload } from '../support/etl.ts';
import { freePort } from '../support/globalSetup.ts';

/** A stack of its own, since this test stops its database mid-load. */
let own: Stack;
let dataDir: string;
let token = '';

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'arbidesk-restart-'));
  own = await startStack({ dataDir, apiPort: 0, dbPort: await freePort(), functionSecrets: { ETL_SLICE_BYTES: String(64 * 1024) } });
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
  it('loses nothing: the interrupted load goes on from its last checkpoint once the database is back, and the next load runs', async () => {
    const header = 'event_id,event_time,event_type,campaign_id,offer_id,geo,payout,currency\n';
    const as = () => client(token, { apiUrl: own.apiUrl, headers: { authorization: `Bearer ${token}` } });
    const first = await upload(as(), demoWorkspaceId, 'before.csv', `${header}b1,2026-07-01,registration,c1,o1,RU,1,USD\n`);
    expect(first.body.load.status).toBe('done');
    let file = header;
    const rows = 12_000;
    for (let i = 0; i < rows; i++) file += `i${String(i).padStart(6, '0')},2026-07-02,registration,c1,o1,RU,1,USD\n`;
    const response = upload(as(), demoWorkspaceId, 'interrupted.csv', file).then((r) => r.status, () => 0);
    // Some slices are in: the file is being read.
    await expect.poll(async () => {
      const [row] = await own.sql`select s.next_slice from private.etl_load_slices s join public.etl_loads l on l.id = s.load_id where l.file_name = 'interrupted.csv'`;
      return row?.next_slice ?? 0;
    }, { timeout: 30_000, interval: 20 }).toBeGreaterThanOrEqual(2);
    await own.database.stop();
    await own.database.start();
    await response;
    // No other upload needed: the reaper (every 10 s) finds the load silent and resumes it.
    await expect.poll(async () => own.sql`select status::text from public.etl_loads where file_name = 'interrupted.csv'`.then((r) => r[0]?.status, () => 'unreachable'), { timeout: 120_000, interval: 250 }).toBe('done');

    // A request that meets a pooled connection of the function that died with the old server
    // (CONNECT_TIMEOUT under a loaded machine) fails before it stores anything; the client sends it again.
    let after = await upload(as(), demoWorkspaceId, 'after.csv', `${header}a1,2026-07-03,registration,c1,o1,RU,1,USD\n`);
    for (let attempt = 0; attempt < 2 && !after.body.load && after.status >= 500; attempt++) {
      after = await upload(as(), demoWorkspaceId, 'after.csv', `${header}a1,2026-07-03,registration,c1,o1,RU,1,USD\n`);
    }
    // A first try that loaded the file but lost its answer is sent again and recognised as the
    // same file ("duplicate" of the load that is done): the file is in exactly once either way.
    const answered = after.body.load;
    expect(answered?.status === 'done' || (answered?.status === 'duplicate' && answered.duplicate_of !== null), JSON.stringify(after)).toBe(true);
    const loads = await own.sql`select file_name, status, rows_accepted::int from public.etl_loads where status <> 'duplicate' order by seq`;
    expect(loads.map((l) => [l.file_name, l.status, l.rows_accepted])).toEqual([['before.csv', 'done', 1], ['interrupted.csv', 'done', rows], ['after.csv', 'done', 1]]);
    const [events] = await own.sql`select count(*)::int as n, count(distinct event_id)::int as distinct from public.tw_events where is_active`;
    expect(events).toEqual({ n: rows + 2, distinct: rows + 2 });
    const [rollup] = await own.sql`select sum(registrations)::int as n from public.daily_metrics`;
    expect(rollup?.n).toBe(rows + 2);
  }, 200_000);

  it('a crash of the database empties the staging of a load (an unlogged table): the load starts over and ends with every row and every rejection once', async () => {
    const header = 'event_id,event_time,event_type,campaign_id,offer_id,geo,payout,currency\n';
    const as = () => client(token, { apiUrl: own.apiUrl, headers: { authorization: `Bearer ${token}` } });
    const rows = 12_000;
    let file = header;
    // Every 1000th row has an event type no export has: 12 rejections, each to be kept once.
    for (let i = 0; i < rows; i++) file += `k${String(i).padStart(6, '0')},2026-07-04,${i % 1000 === 999 ? 'bogus' : 'registration'},c1,o1,RU,1,USD\n`;
    const response = upload(as(), demoWorkspaceId, 'crashed.csv', file).then((r) => r.status, () => 0);
    const slices = async () => {
      const [row] = await own.sql`select s.next_slice, (select c.relpersistence from pg_class c
          where c.relnamespace = 'private'::regnamespace and c.relname = private.etl_stage_name(s.load_id)) as persistence
        from private.etl_load_slices s join public.etl_loads l on l.id = s.load_id where l.file_name = 'crashed.csv'`;
      return row as { next_slice: number; persistence: string } | undefined;
    };
    await expect.poll(async () => (await slices())?.next_slice ?? 0, { timeout: 30_000, interval: 20 }).toBeGreaterThanOrEqual(3);
    expect((await slices())?.persistence).toBe('u');
    // A backend killed by SIGKILL makes the postmaster end every session and run crash recovery,
    // which resets unlogged tables: the rows staged so far are gone, the checkpoint is not.
    const victim = postgres(own.dbUrl, { max: 1, onnotice: () => undefined });
    const [backend] = await victim`select pg_backend_pid() as pid`;
    process.kill(Number(backend?.pid), 'SIGKILL');
    await victim.end({ timeout: 1 }).catch(() => undefined);
    await response;
    await expect.poll(async () => own.sql`select status::text from public.etl_loads where file_name = 'crashed.csv'`.then((r) => r[0]?.status, () => 'unreachable'), { timeout: 120_000, interval: 250 }).toBe('done');

    const [load] = await own.sql`select id, rows_read::int, rows_accepted::int, rows_rejected::int from public.etl_loads where file_name = 'crashed.csv'`;
    expect(load).toMatchObject({ rows_read: rows, rows_accepted: rows - 12, rows_rejected: 12 });
    const [events] = await own.sql`select count(*)::int as n, count(distinct event_id)::int as distinct from public.tw_events where is_active and load_id = ${load?.id}`;
    expect(events).toEqual({ n: rows - 12, distinct: rows - 12 });
    const errors = await own.sql`select line::int from public.etl_load_errors where load_id = ${load?.id} order by line`;
    expect(errors.map((e) => e.line)).toEqual(Array.from({ length: 12 }, (_, k) => 2 + k * 1000 + 999));
  }, 180_000);
});
