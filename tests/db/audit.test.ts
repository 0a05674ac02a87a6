import type { SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { roles, type Role } from '../../supabase/accessMatrix.ts';
import { client, db, serviceClient, stack } from '../support/clients.ts';
import { createUser, signIn, type TestUser } from '../support/users.ts';

const sql = db();
const ip = '198.51.100.22';
const ws = '20000000-0000-4000-8000-00000000a001';
const members = {} as Record<Role, TestUser>;
const sessions = {} as Record<Role, SupabaseClient>;
/** Workspaces of single tests (see teamOfItsOwn). */
const ownWorkspaces: string[] = [];

async function auditRows(table: string, rowId: string) {
  return sql`select user_id, action, old_values, new_values from public.audit_log where table_name = ${table} and row_id = ${rowId} order by id`;
}

/**
 * A workspace with the same five members as the shared one, for a test that expects the
 * workspace's exact name and currency or counts its audit rows: what other tests do to the
 * shared workspace never shows in it, whatever order they run in.
 */
async function teamOfItsOwn(name: string): Promise<string> {
  const [row] = await sql<{ id: string }[]>`insert into public.workspaces (name) values (${name}) returning id`;
  if (!row) throw new Error('no workspace');
  ownWorkspaces.push(row.id);
  for (const role of roles) await sql`insert into public.workspace_members values (${row.id}, ${members[role].id}, ${role})`;
  return row.id;
}

beforeAll(async () => {
  await sql`insert into public.workspaces (id, name) values (${ws}, 'Audited team')`;
  for (const role of roles) {
    members[role] = await createUser(sql, `audit-${role}`);
    await sql`insert into public.workspace_members values (${ws}, ${members[role].id}, ${role})`;
    sessions[role] = await signIn(members[role], ip);
  }
});

afterAll(async () => {
  await sql`delete from public.workspaces where id = ${ws}`;
  if (ownWorkspaces.length) await sql`delete from public.workspaces where id in ${sql(ownWorkspaces)}`;
  await sql.end();
});

describe('audit_log', () => {
  it('an edit through the API writes exactly one row with the acting user and the diff', async () => {
    const team = await teamOfItsOwn('Audited team');
    const before = await auditRows('workspaces', team);
    const { error } = await sessions.admin.from('workspaces').update({ name: 'Renamed team', base_currency: 'USD' }).eq('id', team);
    expect(error).toBeNull();
    const after = await auditRows('workspaces', team);
    expect(after.length).toBe(before.length + 1);
    expect(after.at(-1)).toEqual({
      user_id: members.admin.id,
      action: 'update',
      old_values: { name: 'Audited team' },
      new_values: { name: 'Renamed team' },
    });
  });

  it('an update that changes nothing writes nothing', async () => {
    const team = await teamOfItsOwn('Unchanged team');
    const before = await auditRows('workspaces', team);
    const { error } = await sessions.admin.from('workspaces').update({ name: 'Unchanged team' }).eq('id', team);
    expect(error).toBeNull();
    expect((await auditRows('workspaces', team)).length).toBe(before.length);
  });

  it('inserts and deletes keep the whole row', async () => {
    // The newcomer joins by accepting the admin's invitation; the admin then removes them.
    const newcomer = await createUser(sql, 'audit-newcomer');
    const invited = await sessions.admin.from('workspace_invitations').insert({ workspace_id: ws, email: newcomer.email, role: 'read_only' }).select('token').single();
    expect((await (await signIn(newcomer, ip)).rpc('accept_invitation', { invitation_token: invited.data?.token })).error).toBeNull();
    await sessions.admin.from('workspace_members').delete().eq('workspace_id', ws).eq('user_id', newcomer.id);
    const rows = await auditRows('workspace_members', newcomer.id);
    expect(rows.map((r) => [r.action, r.user_id])).toEqual([['insert', newcomer.id], ['delete', members.admin.id]]);
    expect(rows[0]?.new_values).toMatchObject({ workspace_id: ws, user_id: newcomer.id, role: 'read_only' });
    expect(rows[1]?.old_values).toMatchObject({ workspace_id: ws, user_id: newcomer.id, role: 'read_only' });
  });

  it('records the user a service-role function acts for (X-Acting-User)', async () => {
    const service = client(stack.serviceRoleKey, { headers: { 'x-acting-user': members.media_buyer.id } });
    await service.from('workspaces').update({ base_currency: 'EUR' }).eq('id', ws);
    const last = (await auditRows('workspaces', ws)).at(-1);
    expect(last).toMatchObject({ user_id: members.media_buyer.id, new_values: { base_currency: 'EUR' } });
  });

  it('cannot be updated or deleted by any role, the service role or the owner', async () => {
    for (const role of roles) {
      const update = await sessions[role].from('audit_log').update({ action: 'delete' }).eq('workspace_id', ws);
      expect(update.error?.code, role).toBe('42501');
      const remove = await sessions[role].from('audit_log').delete().eq('workspace_id', ws);
      expect(remove.error?.code, role).toBe('42501');
      const forge = await sessions[role].from('audit_log').insert({ workspace_id: ws, action: 'insert', table_name: 'forged' });
      expect(forge.error?.code, role).toBe('42501');
    }
    const service = await serviceClient().from('audit_log').delete().eq('workspace_id', ws);
    expect(service.error?.code).toBe('42501');
    await expect(sql`update public.audit_log set action = 'delete' where workspace_id = ${ws}`).rejects.toThrow('append-only');
    await expect(sql`delete from public.audit_log where workspace_id = ${ws}`).rejects.toThrow('append-only');
    await expect(sql`truncate public.audit_log`).rejects.toThrow('append-only');
  });

  it('admins read it filtered by user, table and time; nobody else reads it', async () => {
    // In a workspace no other test edits: one edit of the workspace by the admin, the one to
    // find, beside rows each filter must leave out (the admin's edit of another table, another
    // member's edit of the workspace).
    const team = await teamOfItsOwn('Read team');
    const renamed = await sessions.admin.from('workspaces').update({ name: 'Read team, renamed' }).eq('id', team);
    expect(renamed.error).toBeNull();
    const invited = await sessions.admin.from('workspace_invitations').insert({ workspace_id: team, email: 'audit-read@test.arbidesk.local', role: 'finance' });
    expect(invited.error).toBeNull();
    const actedFor = client(stack.serviceRoleKey, { headers: { 'x-acting-user': members.media_buyer.id } });
    expect((await actedFor.from('workspaces').update({ base_currency: 'EUR' }).eq('id', team)).error).toBeNull();
    const since = new Date(Date.now() - 60_000).toISOString();
    const { data, error } = await sessions.admin
      .from('audit_log')
      .select('action, table_name, user_id')
      .eq('workspace_id', team)
      .eq('user_id', members.admin.id)
      .eq('table_name', 'workspaces')
      .gte('at', since);
    expect(error).toBeNull();
    expect(data).toEqual([{ action: 'update', table_name: 'workspaces', user_id: members.admin.id }]);
    for (const role of roles.filter((r) => r !== 'admin')) {
      const other = await sessions[role].from('audit_log').select('id').eq('workspace_id', team);
      expect(other.data, role).toEqual([]);
    }
  });
});
