import type { SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Role } from '../../supabase/accessMatrix.ts';
import { db } from '../support/clients.ts';
import { createUser, signIn, type TestUser } from '../support/users.ts';

/**
 * What the alert settings screen (#15) asks of the API: each person's effective rules (their
 * own, else the role's default), silences whose end the server sets, the Slack webhook's masked
 * form, and the workspace's alert settings admins change and others cannot.
 */
const sql = db();
const ip = '198.51.100.174';
const ws = '40000000-0000-4000-8000-0000000a5e01';
const people = {} as Record<Role, TestUser>;
const sessions = {} as Record<Role, SupabaseClient>;
const roleList: Role[] = ['media_buyer', 'affiliate_manager', 'finance', 'admin', 'read_only'];

beforeAll(async () => {
  await sql`insert into public.workspaces (id, name) values (${ws}, 'Settings team')`;
  for (const role of roleList) {
    people[role] = await createUser(sql, `settings-${role}`);
    await sql`insert into public.workspace_members values (${ws}, ${people[role].id}, ${role})`;
    sessions[role] = await signIn(people[role], ip);
  }
});

beforeEach(async () => {
  await sql`delete from public.alert_rules where workspace_id = ${ws}`;
  await sql`delete from public.alert_silences where workspace_id = ${ws}`;
});

afterAll(async () => {
  await sql`delete from public.workspaces where id = ${ws}`;
  await sql`delete from auth.users where id in ${sql(roleList.map((r) => people[r]?.id ?? ''))}`;
});

describe('my_alert_rules()', () => {
  it("answers the role's defaults, then the person's own rule for the kind they changed", async () => {
    const buyer = sessions.media_buyer;
    const before = await buyer.rpc('my_alert_rules', { workspace: ws });
    expect(before.error).toBeNull();
    expect(before.data).toEqual([
      { kind: 'cap', min_severity: 'warning', channels: ['web_push', 'native_push', 'telegram'], own: false },
      { kind: 'cap_reached', min_severity: 'warning', channels: ['web_push', 'native_push', 'telegram'], own: false },
      { kind: 'cap_forecast', min_severity: 'warning', channels: ['web_push', 'native_push', 'telegram'], own: false },
      { kind: 'payout_due', min_severity: null, channels: [], own: false },
      { kind: 'load_failed', min_severity: 'warning', channels: ['web_push', 'native_push', 'telegram'], own: false },
      { kind: 'data_stale', min_severity: 'warning', channels: ['web_push', 'native_push', 'telegram'], own: false },
    ]);
    const saved = await buyer.from('alert_rules').upsert({ workspace_id: ws, user_id: people.media_buyer.id, kind: 'payout_due', min_severity: 'info', channels: ['email'] });
    expect(saved.error).toBeNull();
    const after = await buyer.rpc('my_alert_rules', { workspace: ws });
    expect(after.data?.find((r: { kind: string }) => r.kind === 'payout_due')).toEqual({ kind: 'payout_due', min_severity: 'info', channels: ['email'], own: true });
    // Another person's rules stay theirs.
    const finance = await sessions.finance.rpc('my_alert_rules', { workspace: ws });
    expect(finance.data?.find((r: { kind: string }) => r.kind === 'payout_due')).toEqual({ kind: 'payout_due', min_severity: 'info', channels: ['web_push', 'native_push', 'telegram'], own: false });
  });

  it('answers nothing for a workspace the caller is not a member of', async () => {
    const outsider = await createUser(sql, 'settings-outsider');
    const session = await signIn(outsider, ip);
    expect((await session.rpc('my_alert_rules', { workspace: ws })).data).toEqual([]);
    await sql`delete from auth.users where id = ${outsider.id}`;
  });
});

describe('add_alert_silence()', () => {
  it("ends the silence the server's `duration` from now, refuses read-only members and more than 90 days", async () => {
    const added = await sessions.media_buyer.rpc('add_alert_silence', { workspace: ws, alert_kind: 'cap', subject: null, duration: '4 hours', reason: ' Raising with the network ' }).single();
    expect(added.error).toBeNull();
    const [row] = await sql`select kind, subject_id, reason, created_by, until - created_at as length from public.alert_silences where workspace_id = ${ws}`;
    expect(row).toEqual({ kind: 'cap', subject_id: null, reason: 'Raising with the network', created_by: people.media_buyer.id, length: '04:00:00' });

    const reader = await sessions.read_only.rpc('add_alert_silence', { workspace: ws, alert_kind: 'cap', subject: null, duration: '1 hour', reason: 'Quiet' });
    expect(reader.error?.code).toBe('42501');
    const tooLong = await sessions.admin.rpc('add_alert_silence', { workspace: ws, alert_kind: 'cap', subject: null, duration: '91 days', reason: 'Long' });
    expect(tooLong.error?.code).toBe('23514');
    const noReason = await sessions.admin.rpc('add_alert_silence', { workspace: ws, alert_kind: 'cap', subject: null, duration: '1 hour', reason: '  ' });
    expect(noReason.error?.code).toBe('23514');
  });
});

describe('the workspace alert settings and Slack channel', () => {
  it('admins change escalation and stale hours; a buyer cannot; the webhook reads back masked', async () => {
    const changed = await sessions.admin
      .from('workspaces')
      .update({ alert_escalate_after_minutes: 45, alert_repeat_after_minutes: 60, alert_stale_after_hours: null })
      .eq('id', ws)
      .select('alert_escalate_after_minutes, alert_repeat_after_minutes, alert_stale_after_hours');
    expect(changed).toMatchObject({ error: null, data: [{ alert_escalate_after_minutes: 45, alert_repeat_after_minutes: 60, alert_stale_after_hours: null }] });
    const refused = await sessions.media_buyer.from('workspaces').update({ alert_escalate_after_minutes: 5 }).eq('id', ws).select('id');
    expect(refused).toMatchObject({ error: null, data: [] });
    expect(await sql`select alert_escalate_after_minutes from public.workspaces where id = ${ws}`).toEqual([{ alert_escalate_after_minutes: 45 }]);

    const slack = await sessions.admin
      .from('alert_slack')
      .insert({ workspace_id: ws, webhook_url: 'https://hooks.slack.com/services/T000/B000/secretXYZ9', min_severity: 'critical' })
      .select('webhook_hint, min_severity')
      .single();
    expect(slack).toMatchObject({ error: null, data: { webhook_hint: 'https://hooks.slack.com/…XYZ9', min_severity: 'critical' } });
    expect((await sessions.media_buyer.from('alert_slack').select('webhook_hint').eq('workspace_id', ws)).data).toEqual([]);
  });
});
