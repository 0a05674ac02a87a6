import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { client, db, serviceClient, stack, tokenClient, userToken, withFixtures } from '../support/clients.ts';

const sql = db();
const api = serviceClient();

beforeAll(async () => {
  await withFixtures(sql, `
    create table rpc_spend (day date, network text, amount numeric(12,2));
    insert into rpc_spend values ('2026-03-01', 'moloco', 10.10), ('2026-03-01', 'tiktok', 5), ('2026-03-02', 'moloco', 7.25);
    create function rpc_add(a int, b int default 1) returns int language sql immutable as $$ select a + b $$;
    create function rpc_spend_on(day date) returns setof rpc_spend language sql stable as $$ select * from rpc_spend s where s.day = rpc_spend_on.day $$;
    create function rpc_totals() returns table (network text, total numeric) language sql stable as
      $$ select network, sum(amount) from rpc_spend group by network order by network $$;
    create function rpc_networks() returns setof text language sql stable as $$ select distinct network from rpc_spend order by 1 $$;
    create function rpc_echo(jsonb) returns jsonb language sql immutable as $$ select $1 $$;
    create function rpc_touch() returns void language sql volatile as $$ update rpc_spend set amount = amount $$;
    create function rpc_fail(reason text) returns int language plpgsql as $$ begin raise exception 'refused: %', reason using hint = 'ask an admin'; end $$;
    create function rpc_secret() returns int language sql as $$ select 42 $$;
    revoke execute on function rpc_secret() from public, anon, authenticated;
  `, ['rpc_spend']);
});

afterAll(async () => {
  await sql.unsafe('drop function rpc_add, rpc_spend_on, rpc_totals, rpc_networks, rpc_echo, rpc_touch, rpc_fail, rpc_secret; drop table rpc_spend');
  await sql.end();
});

describe('rpc', () => {
  it('calls a scalar function with named arguments and defaults, by POST and GET', async () => {
    expect(await api.rpc('rpc_add', { a: 2, b: 3 })).toMatchObject({ data: 5, error: null, status: 200 });
    expect((await api.rpc('rpc_add', { a: 2 })).data).toBe(3);
    expect((await api.rpc('rpc_add', { a: 40, b: 2 }, { get: true })).data).toBe(42);
  });

  it('returns set-returning functions as rows that accept filters, order and limit', async () => {
    const { data, error } = await api.rpc('rpc_spend_on', { day: '2026-03-01' }).select('network, amount').gt('amount', 6);
    expect(error).toBeNull();
    expect(data).toEqual([{ network: 'moloco', amount: 10.1 }]);
    const totals = await api.rpc('rpc_totals').select('*').order('total', { ascending: false }).limit(1);
    expect(totals.data).toEqual([{ network: 'moloco', total: 17.35 }]);
    const networks = await api.rpc('rpc_networks');
    expect(networks.data).toEqual(['moloco', 'tiktok']);
  });

  it('passes the whole body to a single unnamed json parameter', async () => {
    const { data } = await api.rpc('rpc_echo', { any: ['shape', 1] });
    expect(data).toEqual({ any: ['shape', 1] });
  });

  it('returns 204 for void functions', async () => {
    expect(await api.rpc('rpc_touch')).toMatchObject({ error: null, status: 204, data: null });
  });

  it('runs GET calls read-only, so a volatile function fails with 405', async () => {
    const result = await api.rpc('rpc_touch', {}, { get: true });
    expect(result.status).toBe(405);
    expect(result.error?.code).toBe('25006');
  });

  it('reports an unknown function or argument set with PGRST202 and 404', async () => {
    const unknown = await api.rpc('rpc_nope', { x: 1 });
    expect(unknown).toMatchObject({ status: 404, error: { code: 'PGRST202', message: 'Could not find the function public.rpc_nope(x) in the schema cache' } });
    const wrongArgs = await api.rpc('rpc_add', { c: 1 });
    expect(wrongArgs.status).toBe(404);
    expect(wrongArgs.error?.hint).toBe('Perhaps you meant to call the function public.rpc_add(a, b)');
  });

  it("passes a raised exception's message and hint with 400", async () => {
    const result = await api.rpc('rpc_fail', { reason: 'closed period' });
    expect(result).toMatchObject({ status: 400, error: { code: 'P0001', message: 'refused: closed period', hint: 'ask an admin' } });
  });

  it('refuses a function the role may not execute: 401 for anon, 403 for a user', async () => {
    const anon = await client(stack.anonKey).rpc('rpc_secret');
    expect(anon.status).toBe(401);
    expect(anon.error?.code).toBe('42501');
    const user = await tokenClient(userToken(randomUUID())).rpc('rpc_secret');
    expect(user).toMatchObject({ status: 403, error: { code: '42501', message: 'permission denied for function rpc_secret' } });
    expect((await api.rpc('rpc_secret')).data).toBe(42);
  });
});
