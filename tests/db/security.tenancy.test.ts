import type { SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db, serviceClient, stack, tokenClient } from '../support/clients.ts';
import { accessToken, createUser, signIn, type TestUser } from '../support/users.ts';

/**
 * The holes an attack review found, each attacked the way it was found: as an admin, a media
 * buyer or an affiliate manager of one workspace against another workspace and its people.
 * Every test here failed before its fix.
 */
const sql = db();
const ip = '198.51.100.201';
let ours: string;
let theirs: string;
let admin: TestUser;
let buyer: TestUser;
let manager: TestUser;
let stranger: TestUser;
let theirAdmin: TestUser;
let adminApi: SupabaseClient;
let buyerApi: SupabaseClient;
let managerApi: SupabaseClient;
let theirLoad: string;

async function workspace(name: string, members: [TestUser, string][]): Promise<string> {
  const [row] = await sql<{ id: string }[]>`insert into public.workspaces (name) values (${name}) returning id`;
  if (!row) throw new Error('no workspace');
  for (const [person, role] of members) await sql`insert into public.workspace_members (workspace_id, user_id, role) values (${row.id}, ${person.id}, ${role})`;
  return row.id;
}

beforeAll(async () => {
  [admin, buyer, manager, stranger, theirAdmin] = await Promise.all([
    createUser(sql, 'sec-admin'), createUser(sql, 'sec-buyer'), createUser(sql, 'sec-manager'), createUser(sql, 'sec-stranger'), createUser(sql, 'sec-their-admin'),
  ]);
  ours = await workspace('Ours', [[admin, 'admin'], [buyer, 'media_buyer'], [manager, 'affiliate_manager']]);
  theirs = await workspace('Theirs', [[theirAdmin, 'admin']]);
  [adminApi, buyerApi, managerApi] = await Promise.all([signIn(admin, ip), signIn(buyer, ip), signIn(manager, ip)]);
  const [load] = await sql<{ id: string }[]>`insert into public.etl_loads (workspace_id, source, file_name, status) values (${theirs}, 'tw_events', 'theirs.csv', 'done') returning id`;
  theirLoad = load?.id ?? '';
});

afterAll(async () => {
  await sql`delete from public.workspaces where id in (${ours}, ${theirs})`;
  await sql`delete from auth.users where id in ${sql([admin, buyer, manager, stranger, theirAdmin].map((p) => p.id))}`;
  await sql.end();
});

describe('server-set columns', () => {
  it('a member cannot reserve the apply order, a status or a duplicate link of a load', async () => {
    for (const forged of [{ applied_seq: 9_000_000_000 }, { status: 'done' }, { duplicate_of: theirLoad }, { rows_accepted: 5 }, { backend_pid: 1 }]) {
      const { error } = await buyerApi.from('etl_loads').insert({ workspace_id: ours, source: 'tw_events', file_name: 'forged.csv', ...forged });
      expect(error, JSON.stringify(forged)).toMatchObject({ code: '42501' });
    }
    expect(await sql`select 1 from public.etl_loads where file_name = 'forged.csv'`).toHaveLength(0);
    // What a member does choose still goes in, signed with their own id whatever they claim.
    const { data, error } = await buyerApi.from('etl_loads').insert({ workspace_id: ours, source: 'tw_events', file_name: 'mine.csv', size_bytes: 10 }).select('created_by, status, applied_seq').single();
    expect(error).toBeNull();
    expect(data).toEqual({ created_by: buyer.id, status: 'pending', applied_seq: null });
  });

  it('a load cannot point at another workspace\'s load, even through the database owner', async () => {
    const [mine] = await sql<{ id: string }[]>`insert into public.etl_loads (workspace_id, source, file_name) values (${ours}, 'tw_events', 'own.csv') returning id`;
    await expect(sql`update public.etl_loads set duplicate_of = ${theirLoad} where id = ${mine?.id ?? null}`).rejects.toMatchObject({ code: '23503' });
  });

  it('authorship is the caller\'s, whatever the request says', async () => {
    const program = await managerApi.from('affiliate_programs').insert({ workspace_id: ours, name: 'Forged author', created_by: admin.id }).select('id, created_by').single();
    expect(program.error).toBeNull();
    expect(program.data?.created_by).toBe(manager.id);
    const renamed = await managerApi.from('affiliate_programs').update({ created_by: admin.id, name: 'Still mine' }).eq('id', program.data?.id ?? '').select('created_by').single();
    expect(renamed.data?.created_by).toBe(manager.id);
    const offer = await managerApi.rpc('create_offer', { workspace: ours, code: 'SEC-1', name: 'Sec', valid_from: '2026-01-01T00:00:00Z', rate: 1, currency: 'USD' });
    expect(offer.error).toBeNull();
    const offerId = (offer.data as { id: string }).id;
    const mapping = await managerApi.from('offer_mapping').insert({ workspace_id: ours, offer_id: offerId, tw_offer_id: 'sec-1', created_by: admin.id }).select('created_by').single();
    expect(mapping.data?.created_by).toBe(manager.id);
    const saved = await buyerApi.from('column_mappings').insert({ workspace_id: ours, source: 'tw_events', mapping: {}, updated_by: admin.id }).select('updated_by').single();
    expect(saved.data?.updated_by).toBe(buyer.id);
    const invited = await adminApi.from('workspace_invitations').insert({ workspace_id: ours, email: 'someone@example.com', role: 'finance', invited_by: buyer.id }).select('invited_by');
    expect(invited.error).toMatchObject({ code: '42501' });
    const plain = await adminApi.from('workspace_invitations').insert({ workspace_id: ours, email: 'someone@example.com', role: 'finance' }).select('invited_by, accepted_at').single();
    expect(plain.data).toEqual({ invited_by: admin.id, accepted_at: null });
    const accepted = await adminApi.from('workspace_invitations').update({ accepted_at: new Date().toISOString() }).eq('workspace_id', ours);
    expect(accepted.error).toMatchObject({ code: '42501' });
  });
});

describe('membership needs the person\'s consent', () => {
  it('an admin cannot add someone to the workspace, and so cannot read their profile', async () => {
    const { error } = await adminApi.from('workspace_members').insert({ workspace_id: ours, user_id: stranger.id, role: 'read_only' });
    expect(error).toMatchObject({ code: '42501' });
    expect(await sql`select 1 from public.workspace_members where user_id = ${stranger.id}`).toHaveLength(0);
    const { data } = await adminApi.from('profiles').select('user_id, display_name, telegram_id').eq('user_id', stranger.id);
    expect(data).toEqual([]);
  });
});

describe('owner-rights code stays inside the caller\'s workspace', () => {
  it('an archived policy of another workspace is not named to someone who guesses its id', async () => {
    const [secret] = await sql<{ id: string }[]>`
      insert into public.cap_policies (workspace_id, name, period, cap_limit, archived_at) values (${theirs}, 'Their secret cap', 'day', 5, now()) returning id`;
    const offer = await managerApi.rpc('create_offer', { workspace: ours, code: 'SEC-2', name: 'Sec 2', valid_from: '2026-01-01T00:00:00Z', rate: 1, currency: 'USD' });
    const offerId = (offer.data as { id: string }).id;
    const attempt = await managerApi.rpc('open_offer_version', { offer: offerId, valid_from: '2026-02-01T00:00:00Z', rate: 2, currency: 'USD', cap_policy_id: secret?.id });
    expect(attempt.error).not.toBeNull();
    expect(JSON.stringify(attempt.error)).not.toContain('Their secret cap');
    expect(attempt.error).toMatchObject({ code: '23503' });
  });

  it('acting on a load one cannot see is 404, as for a load that does not exist', async () => {
    for (const rpc of ['rollback_load', 'reapply_load', 'cancel_load']) {
      for (const id of [theirLoad, '00000000-0000-4000-8000-000000000000']) {
        const { error, status } = await buyerApi.rpc(rpc, { load_id: id });
        expect({ rpc, status, code: error?.code }).toEqual({ rpc, status: 404, code: 'PT404' });
      }
    }
  });
});

describe('what the API tells of other workspaces', () => {
  it('planned and estimated counts are the rows the caller may see, not the table\'s', async () => {
    await sql`analyze public.etl_loads`;
    const [{ total } = { total: 0 }] = await sql<{ total: number }[]>`select count(*)::int as total from public.etl_loads`;
    const [{ visible } = { visible: 0 }] = await sql<{ visible: number }[]>`select count(*)::int as visible from public.etl_loads where workspace_id = ${ours}`;
    expect(total).toBeGreaterThan(visible);
    for (const count of ['planned', 'estimated'] as const) {
      const answer = await buyerApi.from('etl_loads').select('id', { count, head: true });
      expect(answer.count, count).toBe(visible);
    }
    // The service role, which sees every row anyway, still gets the planner's estimate.
    const service = await serviceClient().from('etl_loads').select('id', { count: 'planned', head: true });
    expect(service.count).toBeGreaterThan(0);
  });
});

describe('signed out means out where it matters', () => {
  it('a token kept after sign-out still reads, but no longer changes members or invitations', async () => {
    const token = await accessToken(admin, ip);
    const kept = tokenClient(token);
    const out = await fetch(`${stack.apiUrl}/auth/v1/logout?scope=local`, { method: 'POST', headers: { apikey: stack.anonKey, authorization: `Bearer ${token}` } });
    expect(out.status).toBe(204);
    expect((await kept.from('workspaces').select('id').eq('id', ours)).data).toHaveLength(1);
    const demoted = await kept.from('workspace_members').update({ role: 'read_only' }).eq('workspace_id', ours).eq('user_id', buyer.id).select('role');
    expect(demoted).toMatchObject({ error: null, data: [] });
    expect(await sql`select role from public.workspace_members where workspace_id = ${ours} and user_id = ${buyer.id}`).toEqual([{ role: 'media_buyer' }]);
    expect((await kept.from('workspace_invitations').insert({ workspace_id: ours, email: 'late@example.com', role: 'finance' })).error).toMatchObject({ code: '42501' });
    // The admin's live session still can.
    const live = await adminApi.from('workspace_members').update({ role: 'finance' }).eq('workspace_id', ours).eq('user_id', buyer.id).select('role');
    expect(live.data).toEqual([{ role: 'finance' }]);
    await sql`update public.workspace_members set role = 'media_buyer' where workspace_id = ${ours} and user_id = ${buyer.id}`;
  });
});

describe('deleting a person', () => {
  it('who is the only admin of a workspace is refused with a reason, and nothing is deleted', async () => {
    const { error } = await serviceClient().auth.admin.deleteUser(theirAdmin.id);
    expect(error).toMatchObject({ status: 409, code: 'conflict' });
    expect(error?.message).toBe('The user cannot be deleted: The workspace needs at least one admin: make another member admin first Change another member\'s role to admin, then retry.');
    expect(await sql`select 1 from auth.users where id = ${theirAdmin.id}`).toHaveLength(1);
  });
});
