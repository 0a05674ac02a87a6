import { randomUUID } from 'node:crypto';
import type { SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '../support/clients.ts';
import { closeAll, Inbox, realtimeClient, refused, sleep, subscribed, userJwt } from './realtime.helpers.ts';

type Broadcast = { event: string; payload: Record<string, unknown> };

const sql = db();
const clients: SupabaseClient[] = [];
// Team 1's members read and write topic "rtv-team:1"; the auditor only reads it.
const member1 = randomUUID();
const member2 = randomUUID();
const auditor = randomUUID();
const outsider = randomUUID();
const topic = 'rtv-team:1';

async function newClient(sub: string): Promise<SupabaseClient> {
  const c = await realtimeClient(userJwt(sub));
  clients.push(c);
  return c;
}

beforeAll(async () => {
  await sql.unsafe(`
    create table rtv_access (user_id uuid not null, topic text not null, can_write boolean not null);
    insert into rtv_access values ('${member1}', '${topic}', true), ('${member2}', '${topic}', true), ('${auditor}', '${topic}', false);
    create policy rtv_read on realtime.messages for select to authenticated using (
      exists (select 1 from public.rtv_access a where a.user_id = auth.uid() and a.topic = realtime.topic())
      and realtime.messages.extension in ('broadcast', 'presence'));
    create policy rtv_write on realtime.messages for insert to authenticated with check (
      exists (select 1 from public.rtv_access a where a.user_id = auth.uid() and a.topic = realtime.topic() and a.can_write));
    grant select on rtv_access to authenticated;
  `);
});

afterAll(async () => {
  await closeAll(...clients);
  await sql.unsafe(`drop policy rtv_read on realtime.messages; drop policy rtv_write on realtime.messages; drop table rtv_access`);
  await sql.end();
});

describe('private channels', () => {
  it('refuses a user no realtime.messages policy lets read the topic', async () => {
    const supabase = await newClient(outsider);
    const channel = supabase.channel(topic, { config: { private: true } });
    const error = await refused(channel);
    expect(error.message).toBe(`Unauthorized: You do not have permissions to read from this Channel topic: ${topic}`);
    await supabase.removeChannel(channel);
  });

  it('refuses the anon role', async () => {
    const supabase = await realtimeClient();
    clients.push(supabase);
    const channel = supabase.channel(topic, { config: { private: true } });
    expect((await refused(channel)).message).toMatch(/^Unauthorized: /);
    await supabase.removeChannel(channel);
  });

  it('lets members in, with broadcasts only for those who may write', async () => {
    const [m1, m2, audit] = await Promise.all([newClient(member1), newClient(member2), newClient(auditor)]);
    const inbox1 = new Inbox<Broadcast>();
    const inbox2 = new Inbox<Broadcast>();
    const config = { config: { private: true, broadcast: { ack: true } } };
    const c1 = await subscribed(m1.channel(topic, config).on('broadcast', { event: '*' }, inbox1.push));
    await subscribed(m2.channel(topic, config).on('broadcast', { event: '*' }, inbox2.push));
    const auditorChannel = await subscribed(audit.channel(topic, config));

    expect(await c1.send({ type: 'broadcast', event: 'note', payload: { from: 'member1' } })).toBe('ok');
    // The auditor may read but not write: Supabase drops the message and never acknowledges it.
    expect(await auditorChannel.send({ type: 'broadcast', event: 'note', payload: { from: 'auditor' } }, { timeout: 500 })).toBe('timed out');
    await inbox2.count(1);
    await sleep();
    expect(inbox2.items.map((b) => b.payload.from)).toEqual(['member1']);
    expect(inbox1.items).toEqual([]);
  });

  it('delivers realtime.send() private messages to private channels only', async () => {
    const [m1, publicReader] = await Promise.all([newClient(member1), newClient(outsider)]);
    const privateInbox = new Inbox<Broadcast>();
    const publicInbox = new Inbox<Broadcast>();
    await subscribed(m1.channel(topic, { config: { private: true } }).on('broadcast', { event: 'from_db' }, privateInbox.push));
    await subscribed(publicReader.channel(topic).on('broadcast', { event: 'from_db' }, publicInbox.push));
    await sql`select realtime.send(${sql.json({ secret: true })}, 'from_db', ${topic})`;
    await privateInbox.count(1);
    await sleep();
    expect(privateInbox.items[0]!.payload).toMatchObject({ secret: true });
    expect(publicInbox.items).toEqual([]);
  });

  it('lets members track presence and see each other', async () => {
    const [m1, m2] = await Promise.all([newClient(member1), newClient(member2)]);
    const c1 = await subscribed(m1.channel(topic, { config: { private: true, presence: { key: 'm1' } } }).on('presence', { event: 'sync' }, () => {}));
    const syncs = new Inbox();
    const c2 = await subscribed(m2.channel(topic, { config: { private: true, presence: { key: 'm2' } } }).on('presence', { event: 'sync' }, () => syncs.push({})));
    expect(await c1.track({ online: true })).toBe('ok');
    await syncs.until(() => Object.keys(c2.presenceState()).includes('m1'), 'm1 to appear');
  });
});
