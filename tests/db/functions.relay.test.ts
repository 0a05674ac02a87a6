import { randomUUID } from 'node:crypto';
import { FunctionsHttpError } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signJwt } from '../../supabase/local/jwt.ts';
import { client, db, serviceClient, stack, userToken } from '../support/clients.ts';
import { createUser, type TestUser } from '../support/users.ts';

const sql = db();
let ada: TestUser;
let bob: TestUser;
const workspaceIds: string[] = [];

beforeAll(async () => {
  ada = await createUser(sql, 'fn-ada');
  bob = await createUser(sql, 'fn-bob');
  const rows = await sql<{ id: string }[]>`
    insert into public.workspaces (name) values ('fn Ada team'), ('fn Bob team'), ('fn Both team') returning id`;
  workspaceIds.push(...rows.map((r) => r.id));
  const [adaTeam, bobTeam, bothTeam] = workspaceIds;
  await sql`
    insert into public.workspace_members (workspace_id, user_id, role) values
      (${adaTeam!}, ${ada.id}, 'admin'), (${bobTeam!}, ${bob.id}, 'finance'),
      (${bothTeam!}, ${ada.id}, 'media_buyer'), (${bothTeam!}, ${bob.id}, 'read_only')`;
});

afterAll(async () => {
  await sql`delete from public.workspaces where id = any(${workspaceIds})`;
  await sql`delete from auth.users where id in (${ada.id}, ${bob.id})`;
  await sql.end();
});

/** The status and JSON body of a failed invoke (supabase-js hands back the Response). */
async function failure(error: unknown): Promise<{ status: number; body: unknown }> {
  expect(error).toBeInstanceOf(FunctionsHttpError);
  const response = (error as FunctionsHttpError).context as Response;
  return { status: response.status, body: await response.json() };
}

function whoamiAs(token: string) {
  return client().functions.invoke('whoami', { headers: { Authorization: `Bearer ${token}` } });
}

describe('functions/v1 relay on the stack (whoami, verify_jwt = true)', () => {
  it('runs the function for the anon key', async () => {
    const { data, error, response } = await client().functions.invoke('whoami');
    expect(error).toBeNull();
    expect(response?.status).toBe(200);
    expect(data).toEqual({ sub: null, role: 'anon', email: null, aal: null, workspaces: [] });
  });

  it('runs the function for a signed-in user and sees their claims', async () => {
    const sub = randomUUID();
    const { data, error } = await whoamiAs(userToken(sub, { aal: 'aal1' }));
    expect(error).toBeNull();
    expect(data).toEqual({ sub, role: 'authenticated', email: `${sub.slice(0, 8)}@test.local`, aal: 'aal1', workspaces: [] });
  });

  it('reads through REST with the caller’s token inside the function, so RLS shows each user their workspaces only', async () => {
    const [adaTeam, bobTeam, bothTeam] = workspaceIds;
    const asAda = await whoamiAs(userToken(ada.id, { email: ada.email }));
    expect(asAda.error).toBeNull();
    expect(asAda.data).toMatchObject({ sub: ada.id, email: ada.email, workspaces: [{ id: adaTeam, name: 'fn Ada team' }, { id: bothTeam, name: 'fn Both team' }] });
    const asBob = await whoamiAs(userToken(bob.id));
    expect(asBob.data).toMatchObject({ sub: bob.id, workspaces: [{ id: bobTeam, name: 'fn Bob team' }, { id: bothTeam, name: 'fn Both team' }] });
  });

  it('runs the function for the service role', async () => {
    const { data, error } = await serviceClient().functions.invoke('whoami');
    expect(error).toBeNull();
    expect(data).toMatchObject({ role: 'service_role' });
  });

  it.each([
    ['a garbage token', 'garbage'],
    ['an expired token', signJwt({ sub: randomUUID(), role: 'authenticated', exp: Math.floor(Date.now() / 1000) - 10 }, stack.jwtSecret)],
    ['a token signed with another secret', signJwt({ sub: randomUUID(), role: 'authenticated', exp: Math.floor(Date.now() / 1000) + 60 }, 'not-the-project-secret')],
  ])('refuses %s with 401 Invalid JWT before the function runs', async (_label, token) => {
    const { data, error } = await whoamiAs(token);
    expect(data).toBeNull();
    expect(await failure(error)).toEqual({ status: 401, body: { code: 401, message: 'Invalid JWT' } });
  });

  it('refuses a request without an Authorization header (supabase-js always sends one)', async () => {
    const response = await fetch(`${stack.apiUrl}/functions/v1/whoami`, { method: 'POST', headers: { apikey: stack.anonKey } });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ code: 401, message: 'Missing authorization header' });
  });

  it('answers 404 for a function that does not exist, and for _shared', async () => {
    for (const name of ['no-such-function', '_shared', 'whoami..']) {
      const { error } = await client().functions.invoke(name);
      expect(await failure(error)).toEqual({ status: 404, body: { code: 'NOT_FOUND', message: 'Requested function was not found' } });
    }
  });

  it('answers the CORS preflight (plain fetch: supabase-js never sends OPTIONS) and the function sends CORS headers', async () => {
    const preflight = await fetch(`${stack.apiUrl}/functions/v1/whoami`, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, x-client-info, apikey, content-type' },
    });
    await preflight.body?.cancel();
    expect(preflight.status).toBe(200);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    const allowed = preflight.headers.get('access-control-allow-headers') ?? '';
    for (const header of ['authorization', 'x-client-info', 'apikey', 'content-type']) expect(allowed).toContain(header);
    const { response } = await client().functions.invoke('whoami');
    expect(response?.headers.get('access-control-allow-origin')).toBe('*');
  });
});
