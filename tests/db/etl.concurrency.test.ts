import type { SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db, stack, tokenClient } from '../support/clients.ts';
import { upload } from '../support/etl.ts';
import { accessToken, createUser } from '../support/users.ts';

const sql = db();
const ip = '198.51.100.33';
const ws = '30000000-0000-4000-8000-00000000c001';
let buyer: SupabaseClient;
let token = '';

const header = 'event_id,event_time,event_type,campaign_id,offer_id,geo,payout,currency\n';

function rows(count: number, payout: string, prefix = 'k'): string {
  let text = '';
  for (let i = 0; i < count; i++) text += `${prefix}${i},2026-05-0${1 + (i % 5)} 10:00,registration,c1,o1,RU,${payout},USD\n`;
  return text;
}

beforeAll(async () => {
  await sql`insert into public.workspaces (id, name) values (${ws}, 'Concurrent team')`;
  const user = await createUser(sql, 'etl-concurrent');
  await sql`insert into public.workspace_members values (${ws}, ${user.id}, 'media_buyer')`;
  token = await accessToken(user, ip);
  buyer = tokenClient(token);
});

afterAll(async () => {
  await sql`delete from public.workspaces where id = ${ws}`;
  await sql.end();
});

describe('loads that run at the same time', () => {
  it('two loads of the same keys never interleave: one row per key stays active, from the load applied last', async () => {
    const [a, b] = await Promise.all([
      upload(buyer, ws, 'a.csv', header + rows(3000, '1.00')),
      upload(buyer, ws, 'b.csv', header + rows(3000, '2.00')),
    ]);
    expect([a.body.load.status, b.body.load.status]).toEqual(['done', 'done']);
    const [state] = await sql`
      select count(*)::int as active, count(distinct event_id)::int as keys, min(payout)::text as low, max(payout)::text as high
      from public.tw_events where workspace_id = ${ws} and is_active`;
    const winner = await sql`select file_name from public.etl_loads where workspace_id = ${ws} order by applied_seq desc limit 1`;
    const payout = winner[0]?.file_name === 'a.csv' ? '1.00' : '2.00';
    expect(state).toEqual({ active: 3000, keys: 3000, low: payout, high: payout });
    const superseded = Number(a.body.load.rows_superseded) + Number(b.body.load.rows_superseded);
    expect(superseded).toBe(3000);
    const [metrics] = await sql`select sum(registrations)::int as registrations from public.daily_metrics where workspace_id = ${ws}`;
    expect(metrics?.registrations).toBe(3000);
  });

  it('a load cancelled mid-file leaves the facts exactly as they were', async () => {
    const before = await sql`select count(*)::int as n, sum(payout)::text as total from public.tw_events where workspace_id = ${ws} and is_active`;
    // 200 000 rows: the test stack reads them in slices of 256 KiB, dozens of them.
    const file = header + Array.from({ length: 40 }, (_, i) => rows(5000, '9.99', `slow${i}-`)).join('');
    const params = new URLSearchParams({ workspace_id: ws, file_name: 'slow.csv' });
    const response = fetch(`${stack.apiUrl}/functions/v1/etl?${params}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
      body: file,
    });
    let loadId: string | undefined;
    await expect.poll(async () => {
      const [row] = await sql`select id, rows_read::int as read from public.etl_loads where workspace_id = ${ws} and file_name = 'slow.csv'`;
      loadId = row?.id;
      return row?.read ?? 0;
    }, { timeout: 30_000, interval: 20 }).toBeGreaterThan(0);
    const cancel = await buyer.rpc('cancel_load', { load_id: loadId });
    expect(cancel.error).toBeNull();
    const answer = await (await response).json();
    expect(answer.load).toMatchObject({ status: 'cancelled', error_summary: 'The load was cancelled; the facts are as they were before it.' });
    expect(Number(answer.load.rows_read)).toBeLessThan(200_000);
    const after = await sql`select count(*)::int as n, sum(payout)::text as total from public.tw_events where workspace_id = ${ws} and is_active`;
    expect(after).toEqual(before);
    const [leftovers] = await sql`select count(*)::int as n from public.tw_events where load_id = ${loadId ?? ''}`;
    expect(leftovers?.n).toBe(0);
  });
});
