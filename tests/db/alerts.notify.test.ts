import type { SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Role } from '../../supabase/accessMatrix.ts';
import { db } from '../support/clients.ts';
import { createUser, signIn, type TestUser } from '../support/users.ts';

/**
 * Who is told of an alert (#15): the outbox rows an alert's firing, rise or escalation
 * queues — by role defaults and each person's rules, held by silences, put off by quiet hours
 * in the person's time zone, never twice for the same reason and severity.
 */

const sql = db();
const ip = '198.51.100.173';
const ws = '40000000-0000-4000-8000-0000000a1f01';
const people = {} as Record<Role, TestUser>;
const sessions = {} as Record<Role, SupabaseClient>;
const roleList: Role[] = ['media_buyer', 'affiliate_manager', 'finance', 'admin', 'read_only'];

interface Notification {
  role: Role;
  channel: string;
  reason: string;
  severity: string;
  status: string;
  not_before: Date;
}

/** The outbox of the workspace, as role/channel/reason/severity/status, in a stable order. */
async function outbox(): Promise<Notification[]> {
  return sql<Notification[]>`
    select m.role::text as role, n.channel, n.reason, n.severity, n.status, n.not_before
    from public.alert_notifications n join public.workspace_members m on m.workspace_id = n.workspace_id and m.user_id = n.user_id
    where n.workspace_id = ${ws} order by m.role, n.reason, n.severity, n.channel`;
}

// The delivery function works through queued rows as soon as they are due (sent, skipped…):
// what matters here is that a row exists, and whether a silence held it.
const held = (n: Notification) => (n.status === 'silenced' ? 'silenced' : 'told');
const brief = (rows: Notification[]) => rows.map((n) => `${n.role} ${n.reason} ${n.severity} ${n.channel} ${held(n)}`);

async function raise(kind: string, severity: string, subject: string, at: string): Promise<string> {
  const [row] = await sql`select (private.raise_alert(${ws}, ${kind}, ${severity}, ${kind === 'payout_due' ? 'program' : 'offer'}, ${subject}, '{}', null, ${at})).id`;
  return row?.id;
}

beforeAll(async () => {
  await sql`insert into public.workspaces (id, name) values (${ws}, 'Notified team')`;
  for (const role of roleList) {
    people[role] = await createUser(sql, `notify-${role}`);
    await sql`insert into public.workspace_members values (${ws}, ${people[role].id}, ${role})`;
    sessions[role] = await signIn(people[role], ip);
  }
});

beforeEach(async () => {
  await sql`delete from public.alerts where workspace_id = ${ws}`;
  await sql`delete from public.alert_rules where workspace_id = ${ws}`;
  await sql`delete from public.alert_silences where workspace_id = ${ws}`;
  await sql`update public.profiles set quiet_hours_start = null, quiet_hours_end = null, time_zone = 'Europe/Moscow'
    where user_id in ${sql(roleList.map((r) => people[r].id))}`;
  await sql`update public.workspaces set alert_escalate_after_minutes = 30 where id = ${ws}`;
});

afterAll(async () => {
  await sql`delete from public.workspaces where id = ${ws}`;
  await sql.end();
});

describe('who is told', () => {
  it('by the roles\' defaults: a failed load tells the buyer and the admin on push and Telegram; a payout due tells finance and the affiliate manager', async () => {
    await raise('load_failed', 'warning', 'load-1', '2026-05-04T09:00:00Z');
    expect(brief(await outbox()).sort()).toEqual([
      'admin fired warning native_push told', 'admin fired warning telegram told', 'admin fired warning web_push told',
      'media_buyer fired warning native_push told', 'media_buyer fired warning telegram told', 'media_buyer fired warning web_push told',
    ]);
    await sql`delete from public.alerts where workspace_id = ${ws}`;
    await raise('payout_due', 'info', 'program-1', '2026-05-04T09:00:00Z');
    expect([...new Set((await outbox()).map((n) => n.role))].sort()).toEqual(['affiliate_manager', 'finance']);
  });

  it('never twice for the same condition; a rise in severity tells again, once', async () => {
    await raise('cap', 'warning', 'offer-1', '2026-05-04T09:00:00Z');
    await raise('cap', 'warning', 'offer-1', '2026-05-04T09:05:00Z');
    const once = await outbox();
    expect(once.filter((n) => n.role === 'media_buyer')).toHaveLength(3);
    await raise('cap', 'critical', 'offer-1', '2026-05-04T10:00:00Z');
    await raise('cap', 'critical', 'offer-1', '2026-05-04T10:05:00Z');
    await raise('cap', 'warning', 'offer-1', '2026-05-04T10:10:00Z');
    const rows = await outbox();
    expect(rows.filter((n) => n.role === 'media_buyer').map((n) => `${n.reason} ${n.severity}`).sort()).toEqual([
      'fired warning', 'fired warning', 'fired warning', 'raised critical', 'raised critical', 'raised critical',
    ]);
  });

  it('by a person\'s own rule: a buyer who wants only critical failures by email is not told of a warning; a read-only member who opts in is', async () => {
    const { error: buyerRule } = await sessions.media_buyer.from('alert_rules')
      .insert({ workspace_id: ws, user_id: people.media_buyer.id, kind: 'load_failed', min_severity: 'critical', channels: ['email'] });
    expect(buyerRule).toBeNull();
    const { error: viewerRule } = await sessions.read_only.from('alert_rules')
      .insert({ workspace_id: ws, user_id: people.read_only.id, kind: 'load_failed', min_severity: 'warning', channels: ['email'] });
    expect(viewerRule).toBeNull();
    // Nobody writes another person's rule.
    const { error: forged } = await sessions.media_buyer.from('alert_rules')
      .insert({ workspace_id: ws, user_id: people.finance.id, kind: 'load_failed', min_severity: 'info', channels: ['email'] });
    expect(forged?.code).toBe('42501');

    await raise('load_failed', 'warning', 'load-2', '2026-05-04T09:00:00Z');
    const told = await outbox();
    expect(told.filter((n) => n.role === 'media_buyer')).toEqual([]);
    expect(brief(told.filter((n) => n.role === 'read_only'))).toEqual(['read_only fired warning email told']);
    await raise('load_failed', 'critical', 'load-2', '2026-05-04T09:10:00Z');
    expect(brief((await outbox()).filter((n) => n.role === 'media_buyer'))).toEqual(['media_buyer raised critical email told']);
  });
});

describe('silences and quiet hours', () => {
  it('a silence of the kind keeps the rows, marked silenced; another kind is still told', async () => {
    await sql`insert into public.alert_silences (workspace_id, kind, until, reason, created_by, created_at)
      values (${ws}, 'data_stale', '2026-05-05T00:00:00Z', 'Clicks export is late all week', ${people.media_buyer.id}, '2026-05-04T08:00:00Z')`;
    await sql`select private.raise_alert(${ws}, 'data_stale', 'warning', 'source', 'tw_clicks', '{}', null, '2026-05-04T09:00:00Z')`;
    expect(new Set((await outbox()).map(held))).toEqual(new Set(['silenced']));
    await sql`delete from public.alerts where workspace_id = ${ws}`;
    await raise('load_failed', 'warning', 'load-3', '2026-05-04T09:00:00Z');
    expect(new Set((await outbox()).map(held))).toEqual(new Set(['told']));
    // Past its end, the silence holds nothing.
    await sql`delete from public.alerts where workspace_id = ${ws}`;
    await sql`select private.raise_alert(${ws}, 'data_stale', 'warning', 'source', 'tw_clicks', '{}', null, '2026-05-05T00:00:01Z')`;
    expect(new Set((await outbox()).map(held))).toEqual(new Set(['told']));
  });

  it('quiet hours in the person\'s time zone put off what is not critical until they end; critical goes at once', async () => {
    // 22:00–08:00 in Moscow (UTC+3) for the buyer; the admin in Vladivostok (UTC+10) has 23:00–07:00.
    await sql`update public.profiles set quiet_hours_start = '22:00', quiet_hours_end = '08:00' where user_id = ${people.media_buyer.id}`;
    await sql`update public.profiles set quiet_hours_start = '23:00', quiet_hours_end = '07:00', time_zone = 'Asia/Vladivostok' where user_id = ${people.admin.id}`;
    // 23:30 in Moscow, 06:30 next morning in Vladivostok.
    await raise('cap', 'warning', 'offer-2', '2026-05-04T20:30:00Z');
    const due = (role: Role, rows: Notification[]) => [...new Set(rows.filter((n) => n.role === role).map((n) => n.not_before.toISOString()))];
    let rows = await outbox();
    expect(due('media_buyer', rows)).toEqual(['2026-05-05T05:00:00.000Z']);
    expect(due('admin', rows)).toEqual(['2026-05-04T21:00:00.000Z']);
    await raise('cap', 'critical', 'offer-2', '2026-05-04T20:40:00Z');
    rows = (await outbox()).filter((n) => n.reason === 'raised');
    expect(due('media_buyer', rows)).toEqual(['2026-05-04T20:40:00.000Z']);
  });

  it('who may silence: members who act on alerts add them, read-only members cannot; only the author or an admin lifts one', async () => {
    const until = new Date(Date.now() + 86_400_000).toISOString();
    const { error: viewer } = await sessions.read_only.from('alert_silences').insert({ workspace_id: ws, kind: 'cap', until, reason: 'No' });
    expect(viewer?.code).toBe('42501');
    const { data, error } = await sessions.media_buyer.from('alert_silences').insert({ workspace_id: ws, kind: 'cap', until, reason: 'Raising the cap with the network' }).select('id, created_by').single();
    expect(error).toBeNull();
    expect(data?.created_by).toBe(people.media_buyer.id);
    const { data: notLifted } = await sessions.finance.from('alert_silences').delete().eq('id', data?.id).select();
    expect(notLifted).toEqual([]);
    const { data: lifted } = await sessions.admin.from('alert_silences').delete().eq('id', data?.id).select('id');
    expect(lifted).toEqual([{ id: data?.id }]);
    const { error: tooLong } = await sessions.media_buyer.from('alert_silences').insert({ workspace_id: ws, kind: 'cap', until: new Date(Date.now() + 100 * 86_400_000).toISOString(), reason: 'For ever' });
    expect(tooLong?.code).toBe('23514');
  });
});

describe('escalation', () => {
  it('a critical alert nobody acknowledged within the setting goes to the admins once; an acknowledged one does not', async () => {
    const open = await raise('cap', 'critical', 'offer-3', '2026-05-04T09:00:00Z');
    const seen = await raise('cap', 'critical', 'offer-4', '2026-05-04T09:00:00Z');
    await sessions.media_buyer.rpc('acknowledge_alert', { alert_id: seen });
    const escalated = async () => (await sql`select alert_id, m.role::text as role, channel from public.alert_notifications n
      join public.workspace_members m on m.workspace_id = n.workspace_id and m.user_id = n.user_id
      where n.workspace_id = ${ws} and n.reason = 'escalated' order by channel`).map((r) => `${r.alert_id === open ? 'open' : 'seen'} ${r.role} ${r.channel}`);
    await sql`select private.escalate_alerts('2026-05-04T09:29:00Z', ${ws})`;
    expect(await escalated()).toEqual([]);
    await sql`select private.escalate_alerts('2026-05-04T09:31:00Z', ${ws})`;
    expect(await escalated()).toEqual(['open admin native_push', 'open admin telegram', 'open admin web_push']);
    await sql`select private.escalate_alerts('2026-05-04T10:31:00Z', ${ws})`;
    expect(await escalated()).toHaveLength(3);
  });
});

describe('repeats', () => {
  const repeats = async () => (await sql<{ alert_id: string; role: string; round: number; channel: string }[]>`
    select n.alert_id, m.role::text as role, n.round, n.channel from public.alert_notifications n
    join public.workspace_members m on m.workspace_id = n.workspace_id and m.user_id = n.user_id
    where n.workspace_id = ${ws} and n.reason = 'repeated' order by n.round, m.role, n.channel`);

  it('tells a warning still firing unacknowledged again every interval, to the same people and channels, until it is acknowledged', async () => {
    await sql`update public.workspaces set alert_repeat_after_minutes = 240 where id = ${ws}`;
    const open = await raise('load_failed', 'warning', 'load-r1', '2026-05-04T09:00:00Z');
    const seen = await raise('load_failed', 'warning', 'load-r2', '2026-05-04T09:00:00Z');
    await sessions.media_buyer.rpc('acknowledge_alert', { alert_id: seen });
    await sql`select private.repeat_alerts('2026-05-04T12:59:00Z', ${ws})`;
    expect(await repeats()).toEqual([]);
    await sql`select private.repeat_alerts('2026-05-04T13:00:00Z', ${ws})`;
    const first = await repeats();
    expect(first.map((r) => `${r.round} ${r.role} ${r.channel}`).sort()).toEqual([
      '1 admin native_push', '1 admin telegram', '1 admin web_push', '1 media_buyer native_push', '1 media_buyer telegram', '1 media_buyer web_push',
    ]);
    expect(new Set(first.map((r) => r.alert_id))).toEqual(new Set([open]));
    // The same minute again changes nothing; the next round comes four hours after the first repeat.
    await sql`select private.repeat_alerts('2026-05-04T13:00:30Z', ${ws})`;
    await sql`select private.repeat_alerts('2026-05-04T16:59:00Z', ${ws})`;
    expect(await repeats()).toHaveLength(6);
    await sql`select private.repeat_alerts('2026-05-04T17:00:00Z', ${ws})`;
    expect((await repeats()).filter((r) => r.round === 2)).toHaveLength(6);
    await sessions.admin.rpc('acknowledge_alert', { alert_id: open });
    await sql`select private.repeat_alerts('2026-05-04T21:00:00Z', ${ws})`;
    expect(await repeats()).toHaveLength(12);
  });

  it('never repeats info alerts, nor when the workspace switches repeats off, nor a repeat missed by more than a day', async () => {
    await raise('payout_due', 'info', 'program-r', '2026-05-04T09:00:00Z');
    await sql`select private.repeat_alerts('2026-05-04T13:00:00Z', ${ws})`;
    expect(await repeats()).toEqual([]);
    await raise('load_failed', 'warning', 'load-r3', '2026-05-04T09:00:00Z');
    await sql`update public.workspaces set alert_repeat_after_minutes = null where id = ${ws}`;
    await sql`select private.repeat_alerts('2026-05-04T13:00:00Z', ${ws})`;
    expect(await repeats()).toEqual([]);
    await sql`update public.workspaces set alert_repeat_after_minutes = 240 where id = ${ws}`;
    await sql`select private.repeat_alerts('2026-05-05T13:00:01Z', ${ws})`;
    expect(await repeats()).toEqual([]);
  });
});

describe('the delivery log', () => {
  it('each person reads what they were sent; admins read the workspace\'s; nobody writes it', async () => {
    await raise('load_failed', 'warning', 'load-4', '2026-05-04T09:00:00Z');
    const { data: own } = await sessions.media_buyer.from('alert_notifications').select('user_id').eq('workspace_id', ws);
    expect(new Set(own?.map((r) => r.user_id))).toEqual(new Set([people.media_buyer.id]));
    const { data: all } = await sessions.admin.from('alert_notifications').select('user_id').eq('workspace_id', ws);
    expect(new Set(all?.map((r) => r.user_id))).toEqual(new Set([people.media_buyer.id, people.admin.id]));
    const { error } = await sessions.admin.from('alert_notifications').update({ status: 'sent' }).eq('workspace_id', ws);
    expect(error?.code).toBe('42501');
  });

  it('leaves the app\'s embedding of workspaces in memberships unambiguous', async () => {
    const { data, error } = await sessions.media_buyer.from('workspace_members').select('role, workspace:workspaces(id)').eq('workspace_id', ws);
    expect(error).toBeNull();
    expect(data).toEqual([{ role: 'media_buyer', workspace: { id: ws } }]);
  });
});
