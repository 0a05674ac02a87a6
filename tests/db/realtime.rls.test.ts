import { randomUUID } from 'node:crypto';
import type { RealtimePostgresChangesPayload, SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db, stack } from '../support/clients.ts';
import { closeAll, Inbox, realtimeClient, sleep, subscribed, userJwt } from './realtime.helpers.ts';

type Row = Record<string, unknown>;
type Change = RealtimePostgresChangesPayload<Row>;

const sql = db();
const clients: SupabaseClient[] = [];
const alice = randomUUID(); // member of workspace 1
const bob = randomUUID(); // member of workspace 2

async function newClient(token?: string): Promise<SupabaseClient> {
  const c = await realtimeClient(token);
  clients.push(c);
  return c;
}

async function watch(token: string | undefined, name: string): Promise<Inbox<Change>> {
  const supabase = await newClient(token);
  const inbox = new Inbox<Change>();
  await subscribed(supabase.channel(name).on('postgres_changes', { event: '*', schema: 'public', table: 'rtr_note' }, inbox.push));
  return inbox;
}

function workspaces(inbox: Inbox<Change>): unknown[] {
  return inbox.items.flatMap((c) => [(c.new as Row).workspace_id, (c.old as Row).workspace_id]).filter((w) => w !== undefined);
}

beforeAll(async () => {
  // Workspace membership decides visibility, through a lookup that has RLS of its own.
  await sql.unsafe(`
    create table rtr_member (workspace_id int not null, user_id uuid not null, primary key (workspace_id, user_id));
    alter table rtr_member enable row level security;
    create policy rtr_member_self on rtr_member for select to authenticated using (user_id = auth.uid());
    create table rtr_note (id bigserial primary key, workspace_id int not null, body text not null);
    alter table rtr_note enable row level security;
    alter table rtr_note replica identity full;
    create policy rtr_note_members on rtr_note for select to authenticated using (
      exists (select 1 from rtr_member m where m.workspace_id = rtr_note.workspace_id and m.user_id = auth.uid()));
    create policy rtr_note_not_secret on rtr_note as restrictive for select to authenticated using (body <> 'secret');
    insert into rtr_member values (1, '${alice}'), (2, '${bob}');
    alter publication supabase_realtime add table rtr_note;
  `);
});

afterAll(async () => {
  await closeAll(...clients);
  await sql.unsafe('drop table rtr_note, rtr_member');
  await sql.end();
});

describe('postgres_changes under row-level security', () => {
  it('never shows a user the rows of another workspace', async () => {
    const [a, b, anon] = await Promise.all([watch(userJwt(alice), 'rtr-alice'), watch(userJwt(bob), 'rtr-bob'), watch(undefined, 'rtr-anon')]);

    const ids = await sql<{ id: string; workspace_id: number }[]>`
      insert into rtr_note (workspace_id, body) values (1, 'a1'), (2, 'b1'), (1, 'a2'), (2, 'b2') returning id, workspace_id`;
    await sql`update rtr_note set body = body || '!' where true`;
    await sql`delete from rtr_note where body in ('a2!', 'b2!')`;
    // ws1 sees 2 inserts, 2 updates, 1 delete; so does ws2.
    await a.count(5);
    await b.count(5);
    await sleep();

    expect(a.items.map((c) => c.eventType)).toEqual(['INSERT', 'INSERT', 'UPDATE', 'UPDATE', 'DELETE']);
    expect(b.items.map((c) => c.eventType)).toEqual(['INSERT', 'INSERT', 'UPDATE', 'UPDATE', 'DELETE']);
    expect(new Set(workspaces(a))).toEqual(new Set([1]));
    expect(new Set(workspaces(b))).toEqual(new Set([2]));
    expect(a.items.filter((c) => c.eventType !== 'DELETE').map((c) => (c.new as Row).body)).toEqual(['a1', 'a2', 'a1!', 'a2!']);
    // Deletes under RLS carry only the primary key, as on Supabase.
    const deleted = ids.find((r) => r.workspace_id === 1 && r !== ids[0])!;
    expect(a.items[4]!.old).toEqual({ id: Number(deleted.id) });
    expect(anon.items).toEqual([]);
  });

  it('applies restrictive policies', async () => {
    const a = await watch(userJwt(alice), 'rtr-restrictive');
    await sql`insert into rtr_note (workspace_id, body) values (1, 'secret'), (1, 'public')`;
    await a.count(1);
    await sleep();
    expect(a.items.map((c) => (c.new as Row).body)).toEqual(['public']);
  });

  it('checks the row as committed, and hides an old version the subscriber could not see', async () => {
    const a = await watch(userJwt(alice), 'rtr-move-a');
    const b = await watch(userJwt(bob), 'rtr-move-b');
    const [inserted] = await sql<{ id: string }[]>`insert into rtr_note (workspace_id, body) values (1, 'moving') returning id`;
    const id = inserted!.id;
    // Moved to workspace 2 and changed again before anyone looked.
    await sql.begin(async (tx) => {
      await tx`update rtr_note set workspace_id = 2, body = 'moved' where id = ${id}`;
    });
    await sql`update rtr_note set body = 'moved twice' where id = ${id}`;
    await a.count(1);
    await b.count(2);
    await sleep();
    // Alice saw the insert (workspace 1) and nothing after the row left her workspace.
    expect(a.items.map((c) => [c.eventType, (c.new as Row).body])).toEqual([['INSERT', 'moving']]);
    // Bob sees the row arrive, but not its workspace-1 past: old is only the key.
    expect(b.items[0]).toMatchObject({ eventType: 'UPDATE', new: { workspace_id: 2, body: 'moved' }, old: { id: Number(id) } });
    expect(Object.keys(b.items[0]!.old)).toEqual(['id']);
    expect(b.items[1]).toMatchObject({ eventType: 'UPDATE', new: { body: 'moved twice' }, old: { workspace_id: 2, body: 'moved' } });
  });

  it('serves many subscribers with the same claims, and the service role sees everything', async () => {
    const token = userJwt(alice);
    const inboxes = await Promise.all(Array.from({ length: 8 }, (_, i) => watch(token, `rtr-many-${i}`)));
    const service = await watch(stack.serviceRoleKey, 'rtr-service');
    await sql`insert into rtr_note (workspace_id, body) values (2, 'bob only'), (1, 'for alice')`;
    await Promise.all(inboxes.map((inbox) => inbox.count(1)));
    await service.count(2);
    await sleep();
    for (const inbox of inboxes) expect(inbox.items.map((c) => (c.new as Row).body)).toEqual(['for alice']);
    expect(service.items.map((c) => (c.new as Row).body)).toEqual(['bob only', 'for alice']);
  });

  it('keeps delivering to others when a policy fails for one subscriber', async () => {
    const broken = randomUUID();
    await sql.unsafe(`
      create table rtr_fragile (id serial primary key, body text);
      alter table rtr_fragile enable row level security;
      create function rtr_fragile_check() returns boolean language plpgsql stable as $$
      begin
        if auth.uid() = '${broken}' then raise exception 'policy blew up'; end if;
        return true;
      end $$;
      create policy rtr_fragile_read on rtr_fragile for select to authenticated using (rtr_fragile_check());
      alter publication supabase_realtime add table rtr_fragile;
    `);
    try {
      const watchFragile = async (sub: string) => {
        const inbox = new Inbox<Change>();
        const supabase = await newClient(userJwt(sub));
        await subscribed(supabase.channel(`rtr-fragile-${sub}`).on('postgres_changes', { event: 'INSERT', schema: 'public', table: 'rtr_fragile' }, inbox.push));
        return inbox;
      };
      const [good, bad, alsoGood] = await Promise.all([watchFragile(alice), watchFragile(broken), watchFragile(bob)]);
      await sql`insert into rtr_fragile (body) values ('still delivered')`;
      await good.count(1);
      await alsoGood.count(1);
      await sleep();
      expect(bad.items).toEqual([]);
    } finally {
      await sql.unsafe('drop table rtr_fragile; drop function rtr_fragile_check()');
    }
  });

  it('does not let a policy function misdeclared IMMUTABLE carry claims from one user to another', async () => {
    // PostgreSQL folds an IMMUTABLE call into a cached plan; reusing that plan across
    // subscribers would evaluate everyone's rows with the first subscriber's uid.
    await sql.unsafe(`
      create function rtr_my_uid() returns uuid language sql immutable as $$ select auth.uid() $$;
      create table rtr_owned (id serial primary key, owner uuid not null);
      alter table rtr_owned enable row level security;
      create policy rtr_owned_mine on rtr_owned for select to authenticated using (owner = rtr_my_uid());
      alter publication supabase_realtime add table rtr_owned;
    `);
    try {
      const watchOwned = async (sub: string) => {
        const inbox = new Inbox<Change>();
        const supabase = await newClient(userJwt(sub));
        await subscribed(supabase.channel(`rtr-owned-${sub}`).on('postgres_changes', { event: 'INSERT', schema: 'public', table: 'rtr_owned' }, inbox.push));
        return inbox;
      };
      // Enough users that several share one round trip (and would share one plan).
      const owners = Array.from({ length: 12 }, () => randomUUID());
      const inboxes = await Promise.all(owners.map(watchOwned));
      for (const owner of owners) await sql`insert into rtr_owned (owner) values (${owner})`;
      await Promise.all(inboxes.map((inbox) => inbox.count(1)));
      await sleep();
      inboxes.forEach((inbox, i) => expect(inbox.items.map((c) => (c.new as Row).owner)).toEqual([owners[i]]));
    } finally {
      await sql.unsafe('drop table rtr_owned; drop function rtr_my_uid()');
    }
  });

  it('follows a token refreshed on the live socket', async () => {
    const supabase = await newClient(userJwt(alice));
    const inbox = new Inbox<Change>();
    await subscribed(supabase.channel('rtr-refresh').on('postgres_changes', { event: 'INSERT', schema: 'public', table: 'rtr_note' }, inbox.push));
    // A channel with acknowledged broadcasts: its ack proves the socket's earlier messages were handled.
    const marker = await subscribed(supabase.channel('rtr-refresh-marker', { config: { broadcast: { ack: true } } }));

    await sql`insert into rtr_note (workspace_id, body) values (1, 'before'), (2, 'not yet')`;
    await inbox.count(1);
    await supabase.realtime.setAuth(userJwt(bob));
    expect(await marker.send({ type: 'broadcast', event: 'sync', payload: {} })).toBe('ok');

    await sql`insert into rtr_note (workspace_id, body) values (1, 'not any more'), (2, 'after')`;
    await inbox.count(2);
    await sleep();
    expect(inbox.items.map((c) => (c.new as Row).body)).toEqual(['before', 'after']);
  });
});
