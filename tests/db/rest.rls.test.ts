import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signJwt } from '../../supabase/local/jwt.ts';
import { client, db, serviceClient, stack, tokenClient, userToken, withFixtures } from '../support/clients.ts';

const sql = db();
const alice = randomUUID();
const bob = randomUUID();
const teamA = randomUUID();
const teamB = randomUUID();

beforeAll(async () => {
  await withFixtures(sql, `
    create table rls_member (workspace_id uuid not null, user_id uuid not null, primary key (workspace_id, user_id));
    create table rls_spend (id serial primary key, workspace_id uuid not null, amount numeric(12,2) not null);
    create table rls_hidden (id int primary key);
    alter table rls_member enable row level security;
    alter table rls_spend enable row level security;
    alter table rls_hidden enable row level security;
    create policy "members read their memberships" on rls_member for select to authenticated using (user_id = auth.uid());
    create policy "members read their workspace's spend" on rls_spend for select to authenticated
      using (exists (select 1 from rls_member m where m.workspace_id = rls_spend.workspace_id and m.user_id = auth.uid()));
    create policy "members add spend to their workspace" on rls_spend for insert to authenticated
      with check (exists (select 1 from rls_member m where m.workspace_id = rls_spend.workspace_id and m.user_id = auth.uid()));
    create policy "members change their workspace's spend" on rls_spend for update to authenticated
      using (exists (select 1 from rls_member m where m.workspace_id = rls_spend.workspace_id and m.user_id = auth.uid()));
    revoke all on rls_hidden from anon, authenticated;
    create function rls_request() returns jsonb language sql stable as $$
      select jsonb_build_object('method', current_setting('request.method', true), 'path', current_setting('request.path', true),
        'sub', auth.uid(), 'role', auth.role(), 'client', current_setting('request.headers', true)::jsonb ->> 'x-client-info')
    $$;
    insert into rls_member values ('${teamA}', '${alice}'), ('${teamB}', '${bob}');
    insert into rls_spend (workspace_id, amount) values ('${teamA}', 100), ('${teamA}', 50), ('${teamB}', 7);
  `, ['rls_member', 'rls_spend', 'rls_hidden']);
});

afterAll(async () => {
  await sql.unsafe('drop function rls_request; drop table rls_member, rls_spend, rls_hidden');
  await sql.end();
});

describe('row-level security through REST', () => {
  it('each user sees only their own workspace', async () => {
    const asAlice = await tokenClient(userToken(alice)).from('rls_spend').select('amount').order('amount');
    expect(asAlice).toMatchObject({ error: null, data: [{ amount: 50 }, { amount: 100 }] });
    const asBob = await tokenClient(userToken(bob)).from('rls_spend').select('workspace_id, amount');
    expect(asBob.data).toEqual([{ workspace_id: teamB, amount: 7 }]);
  });

  it("a user cannot write into another workspace or change its rows", async () => {
    const insert = await tokenClient(userToken(alice)).from('rls_spend').insert({ workspace_id: teamB, amount: 1 });
    expect(insert.status).toBe(403);
    expect(insert.error).toMatchObject({ code: '42501', message: 'new row violates row-level security policy for table "rls_spend"' });
    const update = await tokenClient(userToken(alice)).from('rls_spend').update({ amount: 0 }).eq('workspace_id', teamB).select();
    expect(update).toMatchObject({ error: null, data: [] });
    const [row] = await sql`select amount from rls_spend where workspace_id = ${teamB}`;
    expect(row?.amount).toBe('7.00');
  });

  it('anon sees no rows it was not granted, and gets 401 where it has no privilege', async () => {
    const anon = client(stack.anonKey);
    expect(await anon.from('rls_spend').select('*')).toMatchObject({ error: null, data: [] });
    const hidden = await anon.from('rls_hidden').select('*');
    expect(hidden.status).toBe(401);
    expect(hidden.error).toMatchObject({ code: '42501', message: 'permission denied for table rls_hidden' });
    const asUser = await tokenClient(userToken(alice)).from('rls_hidden').select('*');
    expect(asUser.status).toBe(403);
    expect((await serviceClient().from('rls_hidden').select('*')).status).toBe(200);
  });

  it('sets the request context PostgREST sets: role, claims, method, path, headers', async () => {
    const { data } = await tokenClient(userToken(alice)).rpc('rls_request');
    expect(data).toMatchObject({ method: 'POST', path: '/rpc/rls_request', sub: alice, role: 'authenticated' });
    expect(data.client).toMatch(/^supabase-js/);
  });

  it('refuses bad, expired and foreign-signed tokens with 401', async () => {
    const garbage = await tokenClient('not-a-jwt').from('rls_spend').select('*');
    expect(garbage).toMatchObject({ status: 401, error: { code: 'PGRST301' } });
    const expired = await tokenClient(userToken(alice, { exp: Math.floor(Date.now() / 1000) - 10 })).from('rls_spend').select('*');
    expect(expired).toMatchObject({ status: 401, error: { code: 'PGRST301', message: 'JWT expired' } });
    const foreign = signJwt({ sub: alice, role: 'authenticated' }, 'another-projects-secret-another-projects');
    expect((await tokenClient(foreign).from('rls_spend').select('*')).status).toBe(401);
    const unknownRole = await tokenClient(userToken(alice, { role: 'superuser_please' })).from('rls_spend').select('*');
    expect(unknownRole.status).toBe(401);
  });
});
