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
    insert: (ws) => ({ workspace_id: ws, email: `new-${Date.now()}@test.arbidesk.local`, role: 'read_only' }),
  },
  profiles: {
    target: () => ({ user_id: spare.id }),
    change: { display_name: 'Changed by someone' },
    insert: () => ({ user_id: extra.id, display_name: 'Second profile' }),
  },
  etl_loads: {
    target: (ws) => ({ workspace_id: ws, file_name: 'seeded.csv' }),
    change: { status: 'rolled_back' },
    insert: (ws) => ({ workspace_id: ws, source: 'tw_events', file_name: 'new.csv', content_hash: 'b'.repeat(64) }),
  },
  etl_load_errors: {
    target: (ws) => ({ workspace_id: ws }),
    change: { reason: 'rewritten' },
    insert: (ws) => ({ workspace_id: ws, load_id: loadOf[ws], reason: 'forged' }),
  },
  column_mappings: {
    target: (ws) => ({ workspace_id: ws, source: 'tw_events' }),
    change: { mapping: { payout: 'Выплата' } },
    insert: (ws) => ({ workspace_id: ws, source: 'tw_clicks', mapping: { clicks: 'Клики' } }),
  },
  tw_events: {
    target: (ws) => ({ workspace_id: ws, event_id: 'seeded' }),
    change: { payout: 1000 },
    insert: (ws) => ({ workspace_id: ws, event_id: 'forged', event_time: '2026-03-01T00:00:00Z', event_type: 'registration', load_id: loadOf[ws] }),
  },
  tw_clicks: {
    target: (ws) => ({ workspace_id: ws, campaign_id: 'seeded' }),
    change: { clicks: 1000 },
    insert: (ws) => ({ workspace_id: ws, date: '2026-03-01', campaign_id: 'forged', load_id: loadOf[ws] }),
  },
  ad_spend: {
    target: (ws) => ({ workspace_id: ws, campaign_id: 'seeded' }),
    change: { spend: 1000 },
    insert: (ws) => ({ workspace_id: ws, network: 'moloco', date: '2026-03-01', campaign_id: 'forged', load_id: loadOf[ws] }),
  },
  daily_metrics: {
    target: (ws) => ({ workspace_id: ws, campaign_id: 'seeded' }),
    change: { revenue: 1000 },
    insert: (ws) => ({ workspace_id: ws, date: '2026-03-02', campaign_id: 'forged' }),
  },
  affiliate_programs: {
    target: (ws) => ({ workspace_id: ws, name: 'Seeded program' }),
    change: { hold_days: 14 },
    insert: (ws) => ({ workspace_id: ws, name: `new-program-${Date.now()}` }),
  },
  affiliate_contacts: {
    target: (ws) => ({ workspace_id: ws, name: 'Seeded contact' }),
    change: { telegram: 'changed' },
    insert: (ws) => ({ workspace_id: ws, program_id: seeded(ws, 'f1'), name: 'New contact' }),
  },
  program_contact_log: {
    target: (ws) => ({ workspace_id: ws, comment: 'Seeded comment' }),
    change: { comment: 'rewritten' },
    insert: (ws, actor) => ({ workspace_id: ws, program_id: seeded(ws, 'f1'), comment: 'New comment', author: actor.id }),
  },
  kpi_policies: {
    target: (ws) => ({ workspace_id: ws, name: 'Seeded KPI' }),
    change: { description: 'changed' },
    insert: (ws) => ({ workspace_id: ws, name: `new-kpi-${Date.now()}` }),
  },
  cap_policies: {
    target: (ws) => ({ workspace_id: ws, name: 'Seeded cap' }),
    change: { cap_limit: 999 },
    insert: (ws) => ({ workspace_id: ws, name: `new-cap-${Date.now()}`, cap_limit: 10 }),
  },
  cap_usage: {
    target: (ws) => ({ workspace_id: ws, offer_id: seeded(ws, 'f2') }),
    change: { used: 999 },
    insert: (ws) => ({
      workspace_id: ws, offer_id: seeded(ws, 'f2'), cap_policy_id: seeded(ws, 'fa'), geo: 'XX', metric: 'conversions', period: 'day', time_zone: 'UTC',
      period_start: '2026-03-01T00:00:00Z', used: 0, cap_limit: 5, effective_limit: 500, percent: 0, status: 'ok', hard: true, as_of: '2026-03-01T00:00:00Z', refreshed_at: '2026-03-01T00:00:00Z',
    }),
  },
  cap_actions: {
    target: (ws) => ({ workspace_id: ws, reason: 'Seeded action' }),
    change: { reason: 'rewritten' },
    insert: (ws, actor) => ({ workspace_id: ws, offer_id: seeded(ws, 'f2'), cap_policy_id: seeded(ws, 'fa'), period_start: '2026-03-01T00:00:00Z', action: 'raise', new_limit: 500, reason: 'forged', actor: actor.id }),
  },
  offers: {
    target: (ws) => ({ workspace_id: ws, code: 'SEEDED' }),
    change: { name: 'Renamed offer' },
    insert: (ws) => ({ workspace_id: ws, code: `NEW-${Date.now()}`, name: 'New offer' }),
  },
  offer_versions: {
    target: (ws) => ({ workspace_id: ws, offer_id: seeded(ws, 'f2') }),
    change: { rate: 999 },
    insert: (ws) => ({ workspace_id: ws, offer_id: seeded(ws, 'f2'), valid_from: '2030-01-01T00:00:00Z', rate: 1, currency: 'USD' }),
  },
  offer_geo: {
    target: (ws) => ({ workspace_id: ws, geo: 'DE' }),
    change: { rate: 999 },
    insert: (ws) => ({ workspace_id: ws, offer_version_id: seeded(ws, 'f3'), geo: 'AT', rate: 1 }),
  },
  offer_mapping: {
    target: (ws) => ({ workspace_id: ws, tw_offer_id: 'tw-seeded' }),
    change: { is_active: false },
    insert: (ws) => ({ workspace_id: ws, offer_id: seeded(ws, 'f2'), tw_offer_id: `tw-new-${Date.now()}` }),
  },
  offer_audit_log: {
    target: (ws) => ({ workspace_id: ws }),
    change: { field: 'tampered' },
    insert: (ws) => ({ workspace_id: ws, offer_id: seeded(ws, 'f2'), field: 'forged' }),
  },
  saved_filters: {
    target: (ws) => ({ workspace_id: ws, name: 'Seeded preset' }),
    change: { name: 'Renamed preset' },
    insert: (ws) => ({ workspace_id: ws, name: `new-preset-${Date.now()}`, selection: { range: { preset: 'last7' }, groupBy: ['offer'], columns: ['profit'], filters: {}, sort: null } }),
  },
  push_subscriptions: {
    target: (ws) => ({ endpoint: `https://push.test.arbidesk.local/${ws}` }),
    change: { device_name: 'Renamed by someone' },
    insert: (ws, actor) => ({ user_id: actor.id, kind: 'fcm', endpoint: `forged-token-${ws}`, platform: 'android' }),
  },
  alert_rules: {
    target: (ws) => ({ workspace_id: ws, user_id: spare.id }),
    change: { min_severity: 'critical' },
    insert: (ws, member) => ({ workspace_id: ws, user_id: member.id, kind: 'payout_due', min_severity: 'info', channels: ['email'] }),
  },
  alert_silences: {
    target: (ws) => ({ workspace_id: ws, reason: 'Seeded silence' }),
    change: { reason: 'Tampered' },
    insert: (ws) => ({ workspace_id: ws, kind: 'data_stale', until: new Date(Date.now() + 86_400_000).toISOString(), reason: 'new-silence' }),
  },
  alert_slack: {
    target: (ws) => ({ workspace_id: ws, webhook_url: 'https://hooks.slack.com/services/T/B/seeded' }),
    change: { min_severity: 'critical' },
    insert: (ws) => ({ workspace_id: ws, webhook_url: 'https://hooks.slack.com/services/T/B/new' }),
  },
  alert_notifications: {
    target: (ws) => ({ workspace_id: ws, user_id: spare.id }),
    change: { status: 'sent' },
    insert: (ws, member) => ({ workspace_id: ws, alert_id: ws, user_id: member.id, channel: 'email', reason: 'fired', severity: 'info' }),
  },
  alerts: {
    target: (ws) => ({ workspace_id: ws, kind: 'data_stale' }),
    change: { severity: 'info' },
    insert: (ws) => ({ workspace_id: ws, kind: 'load_failed', severity: 'warning', subject_type: 'load', subject_id: 'forged' }),
  },
  audit_log: {
    target: (ws) => ({ workspace_id: ws }),
    change: { table_name: 'tampered' },
    insert: (ws) => ({ workspace_id: ws, action: 'insert', table_name: 'forged' }),
  },
};

const loadOf: Record<string, string> = {
  [ours]: '10000000-0000-4000-8000-00000000a0e1',
  [theirs]: '10000000-0000-4000-8000-00000000b0e1',
};

/** A seeded row's id in `workspace`: program f1, offer f2, its version f3, KPI f4, cap f5, contact f6, mapping f7, GEO rate f8, shared preset f9, the version's cap fa. */
function seeded(workspace: string, suffix: string): string {
  return `${workspace.slice(0, -4)}${workspace.slice(-4, -2)}${suffix}`;
}

/** The offers registry's rows: a program with a contact and a log entry, policies, an offer with a version, a GEO rate and a mapping. */
async function prepareOfferRows(ws: string): Promise<void> {
  await sql`insert into public.affiliate_programs (id, workspace_id, name) values (${seeded(ws, 'f1')}, ${ws}, 'Seeded program')
    on conflict (id) do update set name = excluded.name, hold_days = 0`;
  await sql`insert into public.affiliate_contacts (id, workspace_id, program_id, name) values (${seeded(ws, 'f6')}, ${ws}, ${seeded(ws, 'f1')}, 'Seeded contact')
    on conflict (id) do update set name = excluded.name, telegram = null`;
  await sql`delete from public.program_contact_log where workspace_id = ${ws}`;
  await sql`insert into public.program_contact_log (workspace_id, program_id, comment) values (${ws}, ${seeded(ws, 'f1')}, 'Seeded comment')`;
  await sql`insert into public.kpi_policies (id, workspace_id, name) values (${seeded(ws, 'f4')}, ${ws}, 'Seeded KPI')
    on conflict (id) do update set name = excluded.name, description = null`;
  await sql`insert into public.cap_policies (id, workspace_id, name, cap_limit) values (${seeded(ws, 'f5')}, ${ws}, 'Seeded cap', 5)
    on conflict (id) do update set name = excluded.name, cap_limit = 5`;
  await sql`insert into public.offers (id, workspace_id, code, name) values (${seeded(ws, 'f2')}, ${ws}, 'SEEDED', 'Seeded offer')
    on conflict (id) do update set name = excluded.name`;
  await sql`insert into public.cap_policies (id, workspace_id, name, cap_limit) values (${seeded(ws, 'fa')}, ${ws}, 'Seeded terms cap', 5)
    on conflict (id) do nothing`;
  await sql`insert into public.offer_versions (id, workspace_id, offer_id, valid_from, rate, currency, cap_policy_id)
    values (${seeded(ws, 'f3')}, ${ws}, ${seeded(ws, 'f2')}, '2026-01-01T00:00:00Z', 10, 'USD', ${seeded(ws, 'fa')}) on conflict (id) do nothing`;
  await sql`insert into public.offer_geo (id, workspace_id, offer_version_id, geo, rate) values (${seeded(ws, 'f8')}, ${ws}, ${seeded(ws, 'f3')}, 'DE', 12)
    on conflict (id) do nothing`;
  await sql`insert into public.offer_mapping (id, workspace_id, offer_id, tw_offer_id) values (${seeded(ws, 'f7')}, ${ws}, ${seeded(ws, 'f2')}, 'tw-seeded')
    on conflict (id) do update set is_active = true`;
  // The usage the server counts for the version's cap, and an action in its history.
  await sql`select private.refresh_cap_usage(${ws}, '2026-03-01T12:00:00Z')`;
  await sql`delete from public.cap_actions where workspace_id = ${ws}`;
  await sql`insert into public.cap_actions (workspace_id, offer_id, cap_policy_id, period_start, action, reason)
    values (${ws}, ${seeded(ws, 'f2')}, ${seeded(ws, 'fa')}, '2026-03-01T00:00:00Z', 'pause', 'Seeded action')`;
}

/** Puts the rows every check expects back in place: the spare member, an invitation, names, facts. */
async function prepareRows(): Promise<void> {
  await sql`delete from public.offers where code like 'NEW-%' and workspace_id in (${ours}, ${theirs})`;
  await sql`delete from public.offer_mapping where tw_offer_id like 'tw-new-%' and workspace_id in (${ours}, ${theirs})`;
  await sql`delete from public.affiliate_programs where name like 'new-program-%' and workspace_id in (${ours}, ${theirs})`;
  await sql`delete from public.affiliate_contacts where name = 'New contact' and workspace_id in (${ours}, ${theirs})`;
  await sql`delete from public.kpi_policies where name like 'new-kpi-%' and workspace_id in (${ours}, ${theirs})`;
  await sql`delete from public.cap_policies where name like 'new-cap-%' and workspace_id in (${ours}, ${theirs})`;
  await sql`delete from public.saved_filters where name like 'new-preset-%' and workspace_id in (${ours}, ${theirs})`;
  await sql`delete from public.workspace_members where user_id = ${extra.id}`;
  await sql`delete from public.workspace_invitations where email like 'new-%'`;
  await sql`delete from public.etl_loads where file_name = 'new.csv'`;
  await sql`delete from public.column_mappings where source = 'tw_clicks' and workspace_id in (${ours}, ${theirs})`;
  for (const ws of [ours, theirs]) {
    const load = loadOf[ws] ?? '';
    await sql`insert into public.etl_loads (id, workspace_id, source, file_name, content_hash, status)
      values (${load}, ${ws}, 'tw_events', 'seeded.csv', ${'a'.repeat(64)}, 'done')
      on conflict (id) do update set status = 'done'`;
    await sql`insert into public.etl_load_errors (load_id, workspace_id, line, reason)
      select ${load}, ${ws}, 2, 'seeded' where not exists (select 1 from public.etl_load_errors where load_id = ${load})`;
    await sql`update public.etl_load_errors set reason = 'seeded' where load_id = ${load}`;
    await sql`insert into public.column_mappings (workspace_id, source, mapping) values (${ws}, 'tw_events', '{"payout": "payout"}')
      on conflict (workspace_id, source) do update set mapping = excluded.mapping`;
    await sql`delete from public.tw_events where load_id = ${load}`;
    await sql`insert into public.tw_events (workspace_id, event_id, event_time, event_type, payout, load_id) values (${ws}, 'seeded', '2026-03-01T00:00:00Z', 'registration', 1, ${load})`;
    await sql`delete from public.tw_clicks where load_id = ${load}`;
    await sql`insert into public.tw_clicks (workspace_id, date, campaign_id, clicks, load_id) values (${ws}, '2026-03-01', 'seeded', 10, ${load})`;
    await sql`delete from public.ad_spend where load_id = ${load}`;
    await sql`insert into public.ad_spend (workspace_id, network, date, campaign_id, spend, load_id) values (${ws}, 'moloco', '2026-03-01', 'seeded', 5, ${load})`;
    await sql`delete from public.daily_metrics where workspace_id = ${ws}`;
    await sql`insert into public.daily_metrics (workspace_id, date, campaign_id, revenue) values (${ws}, '2026-03-01', 'seeded', 1)`;
    await prepareOfferRows(ws);
    // Owned by the spare member: "write own" roles must not touch it, admins may.
    await sql`insert into public.saved_filters (id, workspace_id, owner_id, name, selection)
      values (${seeded(ws, 'f9')}, ${ws}, ${spare.id}, 'Seeded preset', '{"range": {"preset": "today"}, "groupBy": [], "columns": ["spend"]}')
      on conflict (id) do update set name = excluded.name`;
    await sql`update public.workspaces set name = ${ws === ours ? 'Ours' : 'Theirs'} where id = ${ws}`;
    await sql`insert into public.workspace_members values (${ws}, ${spare.id}, 'read_only') on conflict (workspace_id, user_id) do update set role = 'read_only'`;
    await sql`insert into public.workspace_invitations (workspace_id, email, role) values (${ws}, ${`invitee-${ws.slice(-4)}@test.arbidesk.local`}, 'read_only') on conflict do nothing`;
    await sql`update public.workspace_invitations set role = 'read_only' where workspace_id = ${ws}`;
    await sql`select private.raise_alert(${ws}, 'data_stale', 'warning', 'source', 'tw_events')`;
    await sql`update public.alerts set severity = 'warning' where workspace_id = ${ws} and kind = 'data_stale'`;
    // The spare's own rule, silence and notification: "own" roles must not see or touch them, admins may.
    await sql`delete from public.alert_rules where workspace_id = ${ws} and user_id <> ${spare.id}`;
    await sql`insert into public.alert_rules (workspace_id, user_id, kind, min_severity) values (${ws}, ${spare.id}, 'cap', 'warning')
      on conflict (workspace_id, user_id, kind) do update set min_severity = 'warning'`;
    await sql`delete from public.alert_silences where workspace_id = ${ws} and reason = 'new-silence'`;
    await sql`insert into public.alert_silences (workspace_id, kind, until, reason, created_by)
      select ${ws}, 'cap', now() + interval '1 day', 'Seeded silence', ${spare.id}
      where not exists (select 1 from public.alert_silences where workspace_id = ${ws} and reason = 'Seeded silence')`;
    await sql`insert into public.alert_notifications (workspace_id, alert_id, user_id, channel, reason, severity)
      select ${ws}, a.id, ${spare.id}, 'email', 'fired', 'warning' from public.alerts a where a.workspace_id = ${ws} and a.kind = 'data_stale' and a.status = 'firing'
      on conflict do nothing`;
    await sql`update public.alert_notifications set status = 'queued' where workspace_id = ${ws}`;
    // The spare's phone: nobody else sees it or removes it, admins neither.
    await sql`insert into public.push_subscriptions (user_id, kind, endpoint, platform) values (${spare.id}, 'fcm', ${`https://push.test.arbidesk.local/${ws}`}, 'android')
      on conflict (endpoint) do update set user_id = excluded.user_id, device_name = null`;
    // The seeded channel is switched off, so that an admin may add the workspace's enabled one.
    await sql`delete from public.alert_slack where workspace_id = ${ws}`;
    await sql`insert into public.alert_slack (workspace_id, webhook_url, enabled, min_severity) values (${ws}, 'https://hooks.slack.com/services/T/B/seeded', false, 'warning')`;
  }
  await sql`update public.profiles set display_name = 'spare' where user_id = ${spare.id}`;
}

/** The rows the API returns for the sample's target, or the error. */
async function selectTarget(session: SupabaseClient, table: string, workspace: string) {
  return session.from(table).select('*').match(samples[table]?.target(workspace) ?? {});
}

async function countTarget(table: string, workspace: string, where: Record<string, unknown> = {}): Promise<number> {
  const filter = { ...samples[table]?.target(workspace), ...where };
  const conditions = Object.entries(filter).map(([column, value]) =>
    typeof value === 'object' ? sql`${sql(column)} = ${JSON.stringify(value)}::text::jsonb` : sql`${sql(column)} = ${String(value)}`,
  );
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
          const rule = modules.flatMap((m) => m.tables).find((t) => t.name === table);
          const expected = (access === 'read own' || access === 'write own') && rule?.ownerOnly ? 0 : 1;
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
      // The target rows are someone else's (the spare's), which "write own" must leave alone.
      const ownOnly = access === 'write own';
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
