import type { SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RequestError } from '../../app/lib/errors.ts';
import { createMembersApi } from '../../app/lib/members.ts';
import { client, db } from '../support/clients.ts';
import { createUser, signIn, type TestUser } from '../support/users.ts';

/**
 * The Members screen's backend: list_workspace_members() for every member, role changes,
 * removals, invitations and revoke_invitation() for admins only, accept_invitation()'s
 * refusals by SQLSTATE. Driven through the app's own data module (app/lib/members.ts) and
 * raw supabase-js, signed in (real Auth) as each role.
 */

const sql = db();
const ip = '198.51.100.167';
const roles = ['admin', 'media_buyer', 'affiliate_manager', 'finance', 'read_only'] as const;
type Role = (typeof roles)[number];
const nonAdmins = roles.filter((r) => r !== 'admin');

const people = {} as Record<Role, TestUser>;
const sessions = {} as Record<Role, SupabaseClient>;
let outsider: TestUser;
let outsiderSession: SupabaseClient;
let workspaceId: string;
/** Workspaces of single tests, so what they do never shows in the shared workspace's member list. */
const ownWorkspaces: string[] = [];
const extraUsers: string[] = [];

async function newPerson(label: string): Promise<TestUser> {
  const person = await createUser(sql, label);
  extraUsers.push(person.id);
  return person;
}

async function invitation(
  email: string,
  changes: { expires?: string; accepted?: boolean; revoked?: boolean } = {},
  workspace: string = workspaceId,
): Promise<{ id: string; token: string }> {
  const [row] = await sql<{ id: string; token: string }[]>`
    insert into public.workspace_invitations (workspace_id, email, role, invited_by, expires_at, accepted_at, revoked_at)
    values (${workspace}, ${email}, 'finance', ${people.admin.id}, ${changes.expires ?? sql`now() + interval '7 days'`},
      ${changes.accepted ? sql`now()` : null}, ${changes.revoked ? sql`now()` : null})
    returning id, token::text`;
  if (!row) throw new Error('no invitation');
  return row;
}

beforeAll(async () => {
  const [row] = await sql<{ id: string }[]>`insert into public.workspaces (name) values ('Members team') returning id`;
  if (!row) throw new Error('no workspace');
  workspaceId = row.id;
  for (const role of roles) {
    people[role] = await newPerson(role.replace('_', '-'));
    await sql`insert into public.workspace_members (workspace_id, user_id, role) values (${workspaceId}, ${people[role].id}, ${role})`;
    sessions[role] = await signIn(people[role], ip);
  }
  outsider = await newPerson('outsider');
  outsiderSession = await signIn(outsider, ip);
});

afterAll(async () => {
  if (workspaceId) await sql`delete from public.workspaces where id = ${workspaceId}`;
  if (ownWorkspaces.length) await sql`delete from public.workspaces where id in ${sql(ownWorkspaces)}`;
  if (extraUsers.length) await sql`delete from auth.users where id in ${sql(extraUsers)}`;
  await sql.end();
});

describe('list_workspace_members()', () => {
  it.each(roles)('shows a %s every member with email, name and role', async (role) => {
    const members = await createMembersApi(sessions[role]).listMembers(workspaceId);
    expect(members).toHaveLength(roles.length);
    expect(members.find((m) => m.userId === people.finance.id)).toMatchObject({ email: people.finance.email, displayName: 'finance', role: 'finance' });
    expect(new Set(members.map((m) => m.role))).toEqual(new Set(roles));
  });

  it('refuses people outside the workspace and anonymous callers', async () => {
    const outside = await outsiderSession.rpc('list_workspace_members', { workspace: workspaceId });
    expect(outside).toMatchObject({ status: 403, data: null, error: { code: '42501', message: 'Only members of this workspace can see its members' } });
    const anon = await client().rpc('list_workspace_members', { workspace: workspaceId });
    expect(anon.status).toBe(401);
    await expect(createMembersApi(outsiderSession).listMembers(workspaceId)).rejects.toMatchObject({ status: 403, code: '42501' });
  });
});

describe('what only admins may do, refused by the database for every other role', () => {
  it.each(nonAdmins)('a %s cannot change a role, remove a member, invite, see or revoke invitations', async (role) => {
    const api = createMembersApi(sessions[role]);
    const target = people.read_only.id === people[role].id ? people.finance : people.read_only;
    await expect(api.changeRole(workspaceId, target.id, 'admin')).rejects.toMatchObject({ status: 403, code: '42501' });
    await expect(api.changeRole(workspaceId, people[role].id, 'admin')).rejects.toBeInstanceOf(RequestError);
    await expect(api.removeMember(workspaceId, people.admin.id)).rejects.toMatchObject({ status: 403, code: '42501' });
    await expect(api.invite(workspaceId, `sneaky-${role}@test.arbidesk.local`, 'admin')).rejects.toMatchObject({ status: 403, code: '42501' });
    const open = await invitation(`${role}-watched@test.arbidesk.local`);
    expect(await api.listInvitations(workspaceId)).toEqual([]);
    await expect(api.revokeInvitation(open.id)).rejects.toMatchObject({ status: 403, code: '42501' });

    const [state] = await sql`
      select (select jsonb_object_agg(user_id, role) from public.workspace_members where workspace_id = ${workspaceId}) as roles,
        (select count(*)::int from public.workspace_invitations where email like 'sneaky-%') as sneaky,
        (select revoked_at from public.workspace_invitations where id = ${open.id}) as revoked_at`;
    expect(state?.roles).toEqual(Object.fromEntries(roles.map((r) => [people[r].id, r])));
    expect(state?.sneaky).toBe(0);
    expect(state?.revoked_at).toBeNull();
  });

  it('an outsider cannot touch the workspace either', async () => {
    const api = createMembersApi(outsiderSession);
    await expect(api.changeRole(workspaceId, people.read_only.id, 'admin')).rejects.toMatchObject({ code: '42501' });
    await expect(api.invite(workspaceId, 'outsider-invite@test.arbidesk.local', 'admin')).rejects.toMatchObject({ code: '42501' });
  });
});

describe('an admin manages people', () => {
  it('invites, lists the open invitations, revokes; a revoked address can be invited again', async () => {
    const api = createMembersApi(sessions.admin);
    const email = `guest-${Date.now()}@test.arbidesk.local`;
    const sent = await api.invite(workspaceId, ` ${email} `, 'affiliate_manager');
    expect(sent).toMatchObject({ email, role: 'affiliate_manager' });
    expect((await api.listInvitations(workspaceId)).map((i) => i.email)).toContain(email);
    const twice = await sessions.admin.from('workspace_invitations').insert({ workspace_id: workspaceId, email: email.toUpperCase(), role: 'finance' });
    expect(twice).toMatchObject({ status: 409, error: { code: '23505' } });

    await api.revokeInvitation(sent.id);
    await api.revokeInvitation(sent.id);
    const [revoked] = await sql`select revoked_at is not null as revoked, revoked_by from public.workspace_invitations where id = ${sent.id}`;
    expect(revoked).toEqual({ revoked: true, revoked_by: people.admin.id });
    expect((await api.listInvitations(workspaceId)).map((i) => i.email)).not.toContain(email);
    const again = await api.invite(workspaceId, email, 'finance');
    expect(again.token).not.toBe(sent.token);

    const used = await invitation(`used-${Date.now()}@test.arbidesk.local`, { accepted: true });
    await expect(api.revokeInvitation(used.id)).rejects.toMatchObject({ status: 400, code: 'IV002' });
  });

  it('changes a role and removes a member; the last admin can be neither demoted nor removed (MB001)', async () => {
    const api = createMembersApi(sessions.admin);
    const temp = await newPerson('temp');
    await sql`insert into public.workspace_members (workspace_id, user_id, role) values (${workspaceId}, ${temp.id}, 'read_only')`;
    await api.changeRole(workspaceId, temp.id, 'media_buyer');
    expect((await api.listMembers(workspaceId)).find((m) => m.userId === temp.id)?.role).toBe('media_buyer');
    await api.removeMember(workspaceId, temp.id);
    expect((await api.listMembers(workspaceId)).some((m) => m.userId === temp.id)).toBe(false);

    const lastAdmin = { status: 400, code: 'MB001', message: 'The workspace needs at least one admin: make another member admin first' };
    await expect(api.changeRole(workspaceId, people.admin.id, 'finance')).rejects.toMatchObject(lastAdmin);
    await expect(api.removeMember(workspaceId, people.admin.id)).rejects.toMatchObject(lastAdmin);
    const [still] = await sql`select role from public.workspace_members where workspace_id = ${workspaceId} and user_id = ${people.admin.id}`;
    expect(still).toEqual({ role: 'admin' });
  });
});

describe("accept_invitation()'s refusals, one SQLSTATE each", () => {
  it('IV001 not found, IV002 used, IV003 expired, IV004 revoked, IV005 another address; nothing joins', async () => {
    // The invitee finally joins: a workspace of this test's own, so the shared one keeps
    // exactly the five members the other tests list and compare.
    const [own] = await sql<{ id: string }[]>`insert into public.workspaces (name) values ('Invitee team') returning id`;
    if (!own) throw new Error('no workspace');
    ownWorkspaces.push(own.id);
    await sql`insert into public.workspace_members (workspace_id, user_id, role) values (${own.id}, ${people.admin.id}, 'admin')`;
    const invitee = await newPerson('invitee');
    const session = await signIn(invitee, ip);
    const accept = (token: string) => session.rpc('accept_invitation', { invitation_token: token });
    const ask = 'Ask the workspace admin for a new invitation link.';

    expect(await accept('00000000-0000-4000-8000-000000000000')).toMatchObject({ status: 400, error: { code: 'IV001', message: 'This invitation does not exist', hint: ask } });
    const used = await invitation(invitee.email, { accepted: true }, own.id);
    expect(await accept(used.token)).toMatchObject({ status: 400, error: { code: 'IV002', message: 'This invitation was already used' } });
    const expired = await invitation(invitee.email, { expires: '2020-01-02T00:00:00Z' }, own.id);
    expect(await accept(expired.token)).toMatchObject({ status: 400, error: { code: 'IV003', message: 'This invitation expired on 2020-01-02', hint: ask } });
    await sql`delete from public.workspace_invitations where id = ${expired.id}`;
    const revoked = await invitation(invitee.email, { revoked: true }, own.id);
    expect(await accept(revoked.token)).toMatchObject({ status: 400, error: { code: 'IV004', message: 'This invitation was revoked by the workspace admin', hint: ask } });
    const elsewhere = await invitation(`elsewhere-${Date.now()}@test.arbidesk.local`, {}, own.id);
    expect(await accept(elsewhere.token)).toMatchObject({ status: 400, error: { code: 'IV005', message: 'This invitation was sent to another email address' } });

    const joined = await sql`select 1 from public.workspace_members where user_id = ${invitee.id}`;
    expect(joined).toHaveLength(0);
    const open = await invitation(invitee.email, {}, own.id);
    expect(await accept(open.token)).toMatchObject({ status: 200, data: { workspace_id: own.id, role: 'finance' } });
  });
});
