import type { SupabaseClient } from '@supabase/supabase-js';
import { afterAll, describe, expect, it } from 'vitest';
import { client, db, stack } from '../support/clients.ts';
import { closeAll, Inbox, realtimeClient, sleep, subscribed } from './realtime.helpers.ts';

type Broadcast = { type: string; event: string; payload: unknown; meta?: { id?: string } };

const sql = db();
const clients: SupabaseClient[] = [];

async function newClient(): Promise<SupabaseClient> {
  const c = await realtimeClient();
  clients.push(c);
  return c;
}

afterAll(async () => {
  await closeAll(...clients);
  await sql.end();
});

describe('broadcast', () => {
  it('reaches the other members, and the sender only with self', async () => {
    const [s1, s2, s3] = await Promise.all([newClient(), newClient(), newClient()]);
    const quiet = new Inbox<Broadcast>();
    const echo = new Inbox<Broadcast>();
    const other = new Inbox<Broadcast>();
    const sender = await subscribed(s1.channel('rtb-room').on('broadcast', { event: 'cursor' }, quiet.push));
    const selfSender = await subscribed(s2.channel('rtb-room', { config: { broadcast: { self: true } } }).on('broadcast', { event: 'cursor' }, echo.push));
    await subscribed(s3.channel('rtb-room').on('broadcast', { event: '*' }, other.push));

    expect(await sender.send({ type: 'broadcast', event: 'cursor', payload: { x: 1 } })).toBe('ok');
    expect(await selfSender.send({ type: 'broadcast', event: 'cursor', payload: { x: 2 } })).toBe('ok');
    await other.count(2);
    await echo.count(2);
    await sleep();
    expect(other.items).toEqual([
      { type: 'broadcast', event: 'cursor', payload: { x: 1 } },
      { type: 'broadcast', event: 'cursor', payload: { x: 2 } },
    ]);
    expect(quiet.items.map((b) => b.payload)).toEqual([{ x: 2 }]);
    expect(echo.items.map((b) => b.payload)).toEqual([{ x: 1 }, { x: 2 }]);
  });

  it('acknowledges when asked to', async () => {
    const supabase = await newClient();
    const channel = await subscribed(supabase.channel('rtb-ack', { config: { broadcast: { ack: true } } }));
    expect(await channel.send({ type: 'broadcast', event: 'ping', payload: { n: 1 } }, { timeout: 2000 })).toBe('ok');
  });

  it('carries binary payloads', async () => {
    const [a, b] = await Promise.all([newClient(), newClient()]);
    const inbox = new Inbox<Broadcast>();
    const sender = await subscribed(a.channel('rtb-binary'));
    await subscribed(b.channel('rtb-binary').on('broadcast', { event: 'bytes' }, inbox.push));
    await sender.send({ type: 'broadcast', event: 'bytes', payload: new Uint8Array([1, 2, 250]).buffer });
    const [got] = await inbox.count(1);
    expect(got!.payload).toBeInstanceOf(ArrayBuffer);
    expect([...new Uint8Array(got!.payload as ArrayBuffer)]).toEqual([1, 2, 250]);
  });

  it('does not leak to other topics', async () => {
    const [a, b] = await Promise.all([newClient(), newClient()]);
    const inbox = new Inbox<Broadcast>();
    const sender = await subscribed(a.channel('rtb-other'));
    await subscribed(b.channel('rtb-mine').on('broadcast', { event: '*' }, inbox.push));
    await sender.send({ type: 'broadcast', event: 'x', payload: {} });
    await sleep();
    expect(inbox.items).toEqual([]);
  });

  it('delivers realtime.send() from SQL', async () => {
    const supabase = await newClient();
    const inbox = new Inbox<Broadcast>();
    await subscribed(supabase.channel('rtb-sql').on('broadcast', { event: 'job_done' }, inbox.push));
    await sql`select realtime.send(${sql.json({ job: 42 })}, 'job_done', 'rtb-sql', false)`;
    // A private message does not reach a public channel.
    await sql`select realtime.send(${sql.json({ job: 43 })}, 'job_done', 'rtb-sql', true)`;
    const [got] = await inbox.count(1);
    expect(got).toMatchObject({ type: 'broadcast', event: 'job_done', payload: { job: 42 } });
    expect(got!.meta?.id).toMatch(/^[0-9a-f-]{36}$/);
    expect((got!.payload as { id: string }).id).toBe(got!.meta!.id);
    await sleep();
    expect(inbox.items).toHaveLength(1);
  });

  it('delivers realtime.broadcast_changes() from a trigger', async () => {
    await sql.unsafe(`
      create table rtb_task (id int primary key, title text);
      create function rtb_task_broadcast() returns trigger language plpgsql as $$
      begin
        perform realtime.broadcast_changes('rtb-task-' || coalesce(new.id, old.id), tg_op, tg_op, tg_table_name, tg_table_schema, new, old);
        return null;
      end $$;
      create trigger rtb_task_broadcast after insert or update or delete on rtb_task for each row execute function rtb_task_broadcast();
    `);
    try {
      // broadcast_changes sends private messages: a service-role private channel may read them.
      const supabase = client(stack.serviceRoleKey);
      clients.push(supabase);
      const inbox = new Inbox<Broadcast>();
      await subscribed(supabase.channel('rtb-task-1', { config: { private: true } }).on('broadcast', { event: 'INSERT' }, inbox.push));
      await sql`insert into rtb_task values (1, 'write tests')`;
      const [got] = await inbox.count(1);
      expect(got!.payload).toMatchObject({ operation: 'INSERT', table: 'rtb_task', schema: 'public', record: { id: 1, title: 'write tests' }, old_record: null });
    } finally {
      await sql.unsafe('drop table rtb_task; drop function rtb_task_broadcast()');
    }
  });

  it('accepts broadcasts over REST (httpSend)', async () => {
    const [a, b] = await Promise.all([newClient(), newClient()]);
    const inbox = new Inbox<Broadcast>();
    await subscribed(b.channel('rtb-rest').on('broadcast', { event: '*' }, inbox.push));
    const result = await a.channel('rtb-rest').httpSend('from-rest', { ok: true });
    expect(result).toEqual({ success: true });
    const res = await fetch(`${stack.apiUrl}/realtime/v1/api/broadcast`, {
      method: 'POST',
      headers: { apikey: stack.anonKey, 'content-type': 'application/json' },
      body: JSON.stringify({ messages: [{ topic: 'rtb-rest', event: 'batch', payload: { n: 2 } }] }),
    });
    expect(res.status).toBe(202);
    await inbox.count(2);
    expect(inbox.items.map((m) => [m.event, m.payload])).toEqual([
      ['from-rest', { ok: true }],
      ['batch', { n: 2 }],
    ]);
  });
});
