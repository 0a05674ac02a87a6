import type { SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { allows, modules, roles, type Module, type Operation, type Role, type TableRule } from '../../supabase/accessMatrix.ts';
import { client, db } from '../support/clients.ts';
import { createUser, signIn, type TestUser } from '../support/users.ts';

/**
 * Walks supabase/accessMatrix.ts: for every table, role and operation it signs in as a
 * member with that role and checks that what the matrix allows succeeds and what it forbids
 * fails or touches nothing; then that no role reaches another workspace's rows.
 */

const sql = db();
const ip = '198.51.100.21';
const ours = '10000000-0000-4000-8000-00000000a001';
const theirs = '10000000-0000-4000-8000-00000000b001';

const members = {} as Record<Role, TestUser>;
const sessions = {} as Record<Role, SupabaseClient>;
let outsider: TestUser;
let outsiderSession: SupabaseClient;
let spare: TestUser;
let extra: TestUser;

/** How to exercise one table: a row to find, a change, a new row, for a workspace. */
interface Sample {
  /** Filter that finds the prepared row of `workspace`. */
  target(workspace: string): Record<string, string>;
  change: Record<string, unknown>;
  insert(workspace: string, actor: TestUser): Record<string, unknown>;
}

const samples: Record<string, Sample> = {
  workspaces: {
    target: (ws) => ({ id: ws }),
    change: { name: 'Renamed' },
    insert: () => ({ name: 'Another team' }),
  },
  workspace_members: {
    target: (ws) => ({ workspace_id: ws, user_id: spare.id }),
    change: { role: 'finance' },
    insert: (ws) => ({ workspace_id: ws, user_id: extra.id, role: 'read_only' }),
  },
  workspace_invitations: {
    target: (ws) => ({ workspace_id: ws, email: `invitee-${ws.slice(-4)}@test.arbidesk.local` }),
    change: { role: 'finance' },
    insert: (ws, actor) => ({ workspace_id: ws, email: `new-${Date.now()}@test.arbidesk.local`, role: 'read_only', invited_by: actor.id }),
  },
  profiles: {
    target: () => ({ user_id: spare.id }),
    change: { display_name: 'Changed by someone' },
    insert: () => ({ user_id: extra.id, display_name: 'Second profile' }),
  },
  audit_log: {
    target: (ws) => ({ workspace_id: ws }),
    change: { action: 'delete' },
    insert: (ws) => ({ workspace_id: ws, action: 'insert', table_name: 'forged' }),
  },
};

/** Puts the rows every check expects back in place: the spare member, an invitation, names. */
async function prepareRows(): Promise<void> {
  await sql`delete from public.workspace_members where user_id = ${extra.id}`;
  await sql`delete from public.workspace_invitations where email like 'new-%'`;
  for (const ws of [ours, theirs]) {
    await sql`update public.workspaces set name = ${ws === ours ? 'Ours' : 'Theirs'} where id = ${ws}`;
    await sql`insert into public.workspace_members values (${ws}, ${spare.id}, 'read_only') on conflict (workspace_id, user_id) do update set role = 'read_only'`;
    await sql`insert into public.workspace_invitations (workspace_id, email, role) values (${ws}, ${`invitee-${ws.slice(-4)}@test.arbidesk.local`}, 'read_only') on conflict do nothing`;
    await sql`update public.workspace_invitations set role = 'read_only' where workspace_id = ${ws}`;
  }
  await sql`update public.profiles set display_name = 'spare' where user_id = ${spare.id}`;
}

/** The rows the API returns for the sample's target, or the error. */
async function selectTarget(session: SupabaseClient, table: string, workspace: string) {
  return session.from(table).select('*').match(samples[table]?.target(workspace) ?? {});
}

async function countTarget(table: string, workspace: string, where: Record<string, unknown> = {}): Promise<number> {
  const filter = { ...samples[table]?.target(workspace), ...where };
  const conditions = Object.entries(filter).map(([column, value]) => sql`${sql(column)} = ${String(value)}`);
  const clause = conditions.reduce((acc, c) => sql`${acc} and ${c}`, sql`true`);
  const [row] = await sql`select count(*)::int as n from ${sql('public')}.${sql(table)} where ${clause}`;
  return row?.n ?? 0;
}

beforeAll(async () => {
  await sql`insert into public.workspaces (id, name) values (${ours}, 'Ours'), (${theirs}, 'Theirs')`;
  for (const role of roles) {
    members[role] = await createUser(sql, role);
    await sql`insert into public.workspace_members values (${ours}, ${members[role].id}, ${role})`;
  }
  outsider = await createUser(sql, 'outsider');
  spare = await createUser(sql, 'spare');
  extra = await createUser(sql, 'extra');
  await sql`insert into public.workspace_members values (${theirs}, ${outsider.id}, 'admin')`;
  await prepareRows();
  for (const role of roles) sessions[role] = await signIn(members[role], ip);
  outsiderSession = await signIn(outsider, ip);
});

afterAll(async () => {
  await sql`delete from public.workspaces where id in (${ours}, ${theirs})`;
  await sql`delete from auth.users where email like '%@test.arbidesk.local' and id in ${sql([...Object.values(members), outsider, spare, extra].map((u) => u.id))}`;
  await sql.end();
});

beforeEach(prepareRows);

const cells: [Module, TableRule, Role, Operation][] = modules.flatMap((m) =>
  m.tables.flatMap((t) => roles.flatMap((r) => (['select', 'insert', 'update', 'delete'] as const).map((op) => [m, t, r, op] as [Module, TableRule, Role, Operation]))),
);

describe('the access matrix, cell by cell', () => {
  it('has a sample for every table it lists', () => {
    for (const m of modules) for (const t of m.tables) expect(samples[t.name], t.name).toBeDefined();
  });

  it.each(cells.map(([m, t, r, op]) => [t.name, r, op, m.access[r], allows(m, t, r, op)] as const))(
    '%s × %s × %s (%s): allowed=%s',
    async (table, role, op, access, allowed) => {
      const session = sessions[role];
      const sample = samples[table];
      if (!sample) throw new Error(`no sample for ${table}`);
      if (op === 'select') {
        const { data, error } = await selectTarget(session, table, ours);
        if (!allowed) {
          expect(error === null ? data : []).toEqual([]);
        } else {
          expect(error).toBeNull();
          // "own" rows of others stay hidden: the spare's membership is not the member's own.
          const expected = access === 'read own' && table === 'workspace_members' ? 0 : 1;
          expect(data?.length ?? 0).toBeGreaterThanOrEqual(expected);
          if (expected === 0) expect(data).toEqual([]);
        }
        return;
      }
      if (op === 'insert') {
        const payload = sample.insert(ours, members[role]);
        const { error } = await session.from(table).insert(payload);
        if (allowed) expect(error).toBeNull();
        else expect(error?.code, JSON.stringify(error)).toBe('42501');
        return;
      }
      const before = await countTarget(table, ours);
      const query = op === 'update' ? session.from(table).update(sample.change) : session.from(table).delete();
      const { data, error } = await query.match(sample.target(ours)).select();
      const ownOnly = access === 'write own' && table === 'profiles';
      if (allowed && !ownOnly) {
        expect(error).toBeNull();
        expect(data?.length).toBeGreaterThan(0);
        if (op === 'delete') expect(await countTarget(table, ours)).toBe(before - (data?.length ?? 0));
        else expect(await countTarget(table, ours, sample.change)).toBe(before);
      } else {
        // Forbidden: an error, or no row touched; the database must be unchanged.
        if (error === null) expect(data).toEqual([]);
        expect(await countTarget(table, ours)).toBe(before);
        if (op === 'update') expect(await countTarget(table, ours, sample.change)).toBe(0);
      }
    },
  );
});

describe('own rows', () => {
  it('every member reads their own membership and changes their own profile only', async () => {
    for (const role of roles) {
      const mine = await sessions[role].from('workspace_members').select('user_id, role').eq('workspace_id', ours).eq('user_id', members[role].id);
      expect(mine.data).toEqual([{ user_id: members[role].id, role }]);
      const own = await sessions[role].from('profiles').update({ display_name: `${role} renamed` }).eq('user_id', members[role].id).select('display_name');
      expect(own.data).toEqual([{ display_name: `${role} renamed` }]);
    }
  });

  it('teammates read each other\'s profiles; outsiders are invisible', async () => {
    const { data } = await sessions.read_only.from('profiles').select('user_id').in('user_id', [members.admin.id, outsider.id]);
    expect(data).toEqual([{ user_id: members.admin.id }]);
  });
});

describe('across workspaces', () => {
  it.each(modules.flatMap((m) => m.tables.map((t) => t.name)))('%s: no role of ours sees or touches theirs, and theirs not ours', async (table) => {
    const sample = samples[table];
    if (!sample) throw new Error(`no sample for ${table}`);
    for (const [session, foreign] of [...roles.map((r) => [sessions[r], theirs] as const), [outsiderSession, ours] as const]) {
      if (table === 'profiles') continue;
      const seen = await selectTarget(session, table, foreign);
      expect(seen.error === null ? seen.data : []).toEqual([]);
      const before = await countTarget(table, foreign);
      const changed = await session.from(table).update(sample.change).match(sample.target(foreign)).select();
      if (changed.error === null) expect(changed.data).toEqual([]);
      const removed = await session.from(table).delete().match(sample.target(foreign)).select();
      if (removed.error === null) expect(removed.data).toEqual([]);
      expect(await countTarget(table, foreign)).toBe(before);
      const inserted = await session.from(table).insert(sample.insert(foreign, members.admin));
      expect(inserted.error?.code).toBe('42501');
    }
  });

  it('anonymous callers reach no table', async () => {
    const anon = client();
    for (const m of modules) {
      for (const t of m.tables) {
        const read = await anon.from(t.name).select('*').limit(1);
        expect(read.status, t.name).toBe(401);
        const write = await anon.from(t.name).insert(samples[t.name]?.insert(ours, members.admin) ?? {});
        expect(write.status, t.name).toBe(401);
      }
    }
  });
});
