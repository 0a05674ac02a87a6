import type { RealtimeChannel } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db, tokenClient } from '../support/clients.ts';
import { upload } from '../support/etl.ts';
import { accessToken, createUser } from '../support/users.ts';

const sql = db();
const ip = '198.51.100.34';
const ws = '30000000-0000-4000-8000-00000000d001';
const otherWs = '30000000-0000-4000-8000-00000000d002';
let buyerToken = '';
let strangerToken = '';

beforeAll(async () => {
  await sql`insert into public.workspaces (id, name) values (${ws}, 'Live team'), (${otherWs}, 'Other team')`;
  const buyer = await createUser(sql, 'etl-live');
  const stranger = await createUser(sql, 'etl-stranger');
  await sql`insert into public.workspace_members values (${ws}, ${buyer.id}, 'media_buyer'), (${otherWs}, ${stranger.id}, 'admin')`;
  buyerToken = await accessToken(buyer, ip);
  strangerToken = await accessToken(stranger, ip);
});

afterAll(async () => {
  await sql`delete from public.workspaces where id in (${ws}, ${otherWs})`;
  await sql.end();
});

function watchLoads(token: string, seen: { status: string; rows_read: number }[]): Promise<RealtimeChannel> {
  const client = tokenClient(token);
  client.realtime.setAuth(token);
  return new Promise((resolve, reject) => {
    const channel = client
      .channel(`loads-${Math.random()}`)
      .on('postgres_changes', { event: '*', schema: 'public', table: 'etl_loads' }, (change) => {
        const row = change.new as { status: string; rows_read: number };
        seen.push({ status: row.status, rows_read: Number(row.rows_read) });
      })
      .subscribe((status, error) => {
        if (status === 'SUBSCRIBED') resolve(channel);
        if (status === 'CHANNEL_ERROR' || status === 'TIMED_OUT') reject(error ?? new Error(status));
      });
  });
}

describe('live progress of a load', () => {
  it('reaches members of the workspace through realtime, from pending to done, and nobody else', async () => {
    const mine: { status: string; rows_read: number }[] = [];
    const theirs: { status: string; rows_read: number }[] = [];
    const channels = [await watchLoads(buyerToken, mine), await watchLoads(strangerToken, theirs)];
    let body = 'event_id,event_time,event_type,campaign_id,offer_id,geo,payout,currency\n';
    for (let i = 0; i < 60_000; i++) body += `live${i},2026-06-01 10:00,registration,c1,o1,RU,1,USD\n`;
    const { body: answer } = await upload(tokenClient(buyerToken), ws, 'live.csv', body);
    expect(answer.load.status).toBe('done');
    await expect.poll(() => mine.at(-1)?.status, { timeout: 5_000 }).toBe('done');
    expect(mine[0]?.status).toBe('pending');
    expect(mine.map((m) => m.status)).toContain('running');
    expect(mine.at(-1)?.rows_read).toBe(60_000);
    expect(theirs).toEqual([]);
    for (const channel of channels) await channel.unsubscribe();

    // Counters went out live, but the audit log keeps only what else changed.
    const running = mine.filter((m) => m.status === 'running').map((m) => m.rows_read);
    expect(new Set(running).size).toBeGreaterThan(1);
    const audited = await sql<{ action: string; changed: string[] }[]>`
      select action, array(select jsonb_object_keys(coalesce(new_values, '{}'))) as changed
      from public.audit_log where table_name = 'etl_loads' and row_id = ${answer.load.id} order by id`;
    expect(audited[0]?.action).toBe('insert');
    expect(audited.filter((a) => a.action === 'update').length).toBeGreaterThan(0);
    const progress = new Set(['rows_read', 'rows_accepted', 'rows_rejected', 'phase']);
    for (const entry of audited.filter((a) => a.action === 'update')) expect(entry.changed.some((key) => !progress.has(key)), entry.changed.join()).toBe(true);
    expect(audited.some((a) => a.changed.includes('status') && a.action === 'update')).toBe(true);
  });
});
