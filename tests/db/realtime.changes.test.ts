import type { RealtimePostgresChangesPayload, SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '../support/clients.ts';
import { closeAll, Inbox, realtimeClient, sleep, subscribed } from './realtime.helpers.ts';

type Row = Record<string, unknown>;
type Change = RealtimePostgresChangesPayload<Row>;

const sql = db();
const clients: SupabaseClient[] = [];

async function newClient(token?: string): Promise<SupabaseClient> {
  const c = await realtimeClient(token);
  clients.push(c);
  return c;
}

beforeAll(async () => {
  // No RLS here: these tests are about the protocol, filters and payloads.
  await sql.unsafe(`
    create table rtc_item (
      id serial primary key, label text, n int, price numeric, active boolean default true,
      meta jsonb, tags text[], at timestamptz default '2026-01-02 03:04:05.678+00'
    );
    alter table rtc_item replica identity full;
    create table rtc_plain (id int primary key, note text);
    create table rtc_unpublished (id int primary key);
    alter publication supabase_realtime add table rtc_item, rtc_plain;
  `);
});

afterAll(async () => {
  await closeAll(...clients);
  await sql.unsafe('drop table rtc_item, rtc_plain, rtc_unpublished');
  await sql.end();
});

describe('postgres_changes', () => {
  it('delivers INSERT, UPDATE and DELETE with Supabase payloads', async () => {
    const supabase = await newClient();
    const inbox = new Inbox<Change>();
    await subscribed(supabase.channel('rtc-all').on('postgres_changes', { event: '*', schema: 'public', table: 'rtc_item' }, inbox.push));

    const [inserted] = await sql<{ id: number }[]>`
      insert into rtc_item (label, n, price, meta, tags) values ('first', 7, 12.5, '{"k": [1, 2]}', '{a,b}') returning id`;
    const id = inserted!.id;
    await sql`update rtc_item set label = 'second' where id = ${id}`;
    await sql`delete from rtc_item where id = ${id}`;
    const [insert, update, remove] = await inbox.count(3);

    const row = { id, label: 'first', n: 7, price: 12.5, active: true, meta: { k: [1, 2] }, tags: ['a', 'b'], at: '2026-01-02T03:04:05.678+00:00' };
    expect(insert).toMatchObject({ schema: 'public', table: 'rtc_item', eventType: 'INSERT', new: row, old: {}, errors: null });
    expect(insert!.commit_timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(update).toMatchObject({ eventType: 'UPDATE', new: { ...row, label: 'second' }, old: row });
    expect(remove).toMatchObject({ eventType: 'DELETE', new: {}, old: { ...row, label: 'second' } });
  });

  it('listens to one event type only', async () => {
    const supabase = await newClient();
    const inserts = new Inbox<Change>();
    const deletes = new Inbox<Change>();
    await subscribed(
      supabase
        .channel('rtc-events')
        .on('postgres_changes', { event: 'INSERT', schema: 'public', table: 'rtc_item' }, inserts.push)
        .on('postgres_changes', { event: 'DELETE', schema: 'public', table: 'rtc_item' }, deletes.push),
    );
    const [inserted] = await sql<{ id: number }[]>`insert into rtc_item (label) values ('only-insert') returning id`;
    const id = inserted!.id;
    await sql`update rtc_item set label = 'changed' where id = ${id}`;
    await sql`delete from rtc_item where id = ${id}`;
    await deletes.count(1);
    await sleep();
    expect(inserts.items.map((c) => c.eventType)).toEqual(['INSERT']);
    expect(deletes.items.map((c) => c.eventType)).toEqual(['DELETE']);
  });

  it('applies eq, neq, lt, lte, gt, gte and in filters', async () => {
    const supabase = await newClient();
    const filters = ['n=eq.3', 'n=neq.3', 'n=lt.3', 'n=lte.3', 'n=gt.3', 'n=gte.3', 'label=in.(rtc-f-1,rtc-f-4)', 'label=eq.rtc-f-2,n=gt.1'];
    const inboxes = filters.map(() => new Inbox<Change>());
    let channel = supabase.channel('rtc-filters');
    filters.forEach((filter, i) => {
      channel = channel.on('postgres_changes', { event: 'INSERT', schema: 'public', table: 'rtc_item', filter }, inboxes[i]!.push);
    });
    await subscribed(channel);

    for (const n of [1, 2, 3, 4, 5]) await sql`insert into rtc_item (label, n) values (${`rtc-f-${n}`}, ${n})`;
    const expected = [[3], [1, 2, 4, 5], [1, 2], [1, 2, 3], [4, 5], [3, 4, 5], [1, 4], [2]];
    await Promise.all(inboxes.map((inbox, i) => inbox.count(expected[i]!.length)));
    await sleep();
    inboxes.forEach((inbox, i) => {
      expect({ filter: filters[i], got: inbox.items.map((c) => (c.new as Row).n) }).toEqual({ filter: filters[i], got: expected[i] });
    });
  });

  it('sends only the key as old without REPLICA IDENTITY FULL', async () => {
    const supabase = await newClient();
    const inbox = new Inbox<Change>();
    await subscribed(supabase.channel('rtc-default-identity').on('postgres_changes', { event: '*', schema: 'public', table: 'rtc_plain' }, inbox.push));
    await sql`insert into rtc_plain values (1, 'a')`;
    await sql`update rtc_plain set note = 'b' where id = 1`;
    await sql`delete from rtc_plain where id = 1`;
    const [, update, remove] = await inbox.count(3);
    expect(update).toMatchObject({ eventType: 'UPDATE', new: { id: 1, note: 'b' }, old: { id: 1 } });
    expect((update!.old as Row).note).toBeUndefined();
    expect(remove).toMatchObject({ eventType: 'DELETE', old: { id: 1 } });
    expect(Object.keys(remove!.old)).toEqual(['id']);
  });

  it('subscribes to every published table of a schema', async () => {
    const supabase = await newClient();
    const inbox = new Inbox<Change>();
    await subscribed(supabase.channel('rtc-schema').on('postgres_changes', { event: 'INSERT', schema: 'public' }, inbox.push));
    await sql`insert into rtc_plain values (10, 'x')`;
    await sql`insert into rtc_unpublished values (10)`;
    await sql`insert into rtc_item (label) values ('schema-wide')`;
    const got = await inbox.until((items) => items.some((c) => c.table === 'rtc_item' && (c.new as Row).label === 'schema-wide'));
    expect(got.some((c) => c.table === 'rtc_plain' && (c.new as Row).id === 10)).toBe(true);
    expect(got.some((c) => c.table === 'rtc_unpublished')).toBe(false);
  });

  it('reports an unknown or unpublished table as a system error, as Supabase does', async () => {
    const supabase = await newClient();
    for (const table of ['rtc_missing', 'rtc_unpublished']) {
      const system = new Inbox<{ extension: string; status: string; message: string }>();
      await subscribed(supabase.channel(`rtc-bad-${table}`).on('system', {}, system.push).on('postgres_changes', { event: '*', schema: 'public', table }, () => {}));
      const [message] = await system.count(1);
      expect(message).toMatchObject({ extension: 'postgres_changes', status: 'error' });
      expect(message!.message).toContain('Unable to subscribe to changes with given parameters');
    }
  });

  it('reports bad filters as system errors', async () => {
    const supabase = await newClient();
    const cases: [string, RegExp][] = [
      ['n=foo.1', /Error parsing `filter` params/],
      ['n=eq.not-a-number', /invalid input syntax for type integer/],
      ['nope=eq.1', /invalid column for filter nope/],
      ['n=in.1,2', /`in` filter value must be wrapped by parentheses/],
    ];
    for (const [filter, pattern] of cases) {
      const system = new Inbox<{ status: string; message: string }>();
      await subscribed(supabase.channel(`rtc-filter-${filter}`).on('system', {}, system.push).on('postgres_changes', { event: '*', schema: 'public', table: 'rtc_item', filter }, () => {}));
      const [message] = await system.count(1);
      expect(message!.status).toBe('error');
      expect(message!.message).toMatch(pattern);
    }
  });

  it('confirms a good subscription with a system message', async () => {
    const supabase = await newClient();
    const system = new Inbox<{ extension: string; status: string; message: string; channel: string }>();
    await subscribed(supabase.channel('rtc-ok').on('system', {}, system.push).on('postgres_changes', { event: '*', schema: 'public', table: 'rtc_item', filter: 'n=eq.1' }, () => {}));
    const [message] = await system.count(1);
    expect(message).toEqual({ extension: 'postgres_changes', status: 'ok', message: 'Subscribed to PostgreSQL', channel: 'rtc-ok' });
  });
});
