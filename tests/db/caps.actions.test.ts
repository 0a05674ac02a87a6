import type { SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { db } from '../support/clients.ts';
import { addEvents, capTeam, cappedOffer, dropTeams, refreshCaps, type CapTeam } from '../support/caps.ts';
import { createUser, signIn, type TestUser } from '../support/users.ts';

/**
 * Manual actions on a cap (raise for the period, reset, pause, resume) with their reasons in
 * the history, who may take them, who reads usage, and the caps overview the app reads.
 */

const sql = db();
const ip = '198.51.100.152';
const roles = ['admin', 'affiliate_manager', 'media_buyer', 'finance', 'read_only'] as const;
type Role = (typeof roles)[number];
const users = {} as Record<Role, TestUser>;
const sessions = {} as Record<Role, SupabaseClient>;
let outsider: SupabaseClient;
let ours: CapTeam;
let theirs: CapTeam;
let full: string;
const at = '2026-03-16T12:00:00Z';

beforeAll(async () => {
  ours = await capTeam(sql, 'Caps actions team', 'Europe/Moscow');
  theirs = await capTeam(sql, 'Caps actions rivals');
  for (const role of roles) {
    users[role] = await createUser(sql, `caps-${role}`);
    await sql`insert into public.workspace_members values (${ours.workspace}, ${users[role].id}, ${role})`;
    sessions[role] = await signIn(users[role], ip);
  }
  const stranger = await createUser(sql, 'caps-outsider');
  await sql`insert into public.workspace_members values (${theirs.workspace}, ${stranger.id}, 'admin')`;
  outsider = await signIn(stranger, ip);
  full = (await cappedOffer(sql, ours, 'FULL', { cap_limit: 100, metric: 'payout' })).offer;
  await cappedOffer(sql, ours, 'BUSY', { cap_limit: 100, metric: 'payout' });
  await cappedOffer(sql, theirs, 'THEIRS', { cap_limit: 5 });
  await addEvents(sql, ours, [
    { time: '2026-03-16T06:00:00Z', twOfferId: 'full', payout: 100 },
    { time: '2026-03-16T06:00:00Z', twOfferId: 'busy', payout: 85 },
  ]);
});

beforeEach(async () => {
  await sql`delete from public.cap_actions where workspace_id = ${ours.workspace}`;
  await refreshCaps(sql, ours, at);
  await refreshCaps(sql, theirs, at);
});

afterAll(async () => {
  await dropTeams(sql, [ours, theirs]);
  await sql`delete from auth.users where id in ${sql(Object.values(users).map((u) => u.id))} or email like 'caps-outsider-%'`;
  await sql.end();
});

describe('manual actions', () => {
  it('raises the limit for the period: the status follows, the reason and old and new values stay in the history', async () => {
    const raised = await sessions.affiliate_manager.rpc('cap_action', { offer: full, action: 'raise', reason: 'Program agreed +25 today', new_limit: 125 });
    expect(raised.error).toBeNull();
    expect(raised.data).toMatchObject({ offer_id: full, cap_limit: 100, effective_limit: 125, status: 'warning', percent: 80 });

    const history = await sessions.read_only.from('cap_actions').select('action, reason, old_limit, new_limit, old_status, new_status, actor').eq('offer_id', full);
    expect(history).toMatchObject({
      error: null,
      data: [{ action: 'raise', reason: 'Program agreed +25 today', old_limit: 100, new_limit: 125, old_status: 'reached', new_status: 'warning', actor: users.affiliate_manager.id }],
    });

    // A recount of the same period keeps the raise; the next period starts from the policy's limit.
    expect((await refreshCaps(sql, ours, at))(full)).toEqual([expect.objectContaining({ effective_limit: 125, status: 'warning' })]);
    expect((await refreshCaps(sql, ours, '2026-03-17T12:00:00Z'))(full)).toEqual([expect.objectContaining({ effective_limit: 100, used: 0, status: 'ok' })]);
  });

  it('resets a raise, pauses and resumes, each with its reason', async () => {
    const admin = sessions.admin;
    expect((await admin.rpc('cap_action', { offer: full, action: 'raise', reason: 'Extra day', new_limit: 200 })).data).toMatchObject({ status: 'ok' });
    expect((await admin.rpc('cap_action', { offer: full, action: 'reset', reason: 'Program said no' })).data).toMatchObject({ effective_limit: 100, status: 'reached' });
    expect((await admin.rpc('cap_action', { offer: full, action: 'pause', reason: 'Stop the traffic' })).data).toMatchObject({ status: 'paused' });
    expect((await refreshCaps(sql, ours, at))(full)).toEqual([expect.objectContaining({ status: 'paused' })]);
    expect((await admin.rpc('cap_action', { offer: full, action: 'pause', reason: 'again' })).error).toMatchObject({ code: 'P0001', message: 'The cap is already paused' });
    expect((await admin.rpc('cap_action', { offer: full, action: 'resume', reason: 'New day agreed' })).data).toMatchObject({ status: 'reached' });
    const { data } = await admin.from('cap_actions').select('action, reason, new_limit, new_status').eq('offer_id', full).order('id');
    expect(data).toEqual([
      { action: 'raise', reason: 'Extra day', new_limit: 200, new_status: 'ok' },
      { action: 'reset', reason: 'Program said no', new_limit: 100, new_status: 'reached' },
      { action: 'pause', reason: 'Stop the traffic', new_limit: 100, new_status: 'paused' },
      { action: 'resume', reason: 'New day agreed', new_limit: 100, new_status: 'reached' },
    ]);
  });

  it('refuses an action without a reason, a raise not above the policy\'s limit, and a reset of an unraised cap', async () => {
    const manager = sessions.affiliate_manager;
    expect((await manager.rpc('cap_action', { offer: full, action: 'raise', reason: '  ', new_limit: 150 })).error).toMatchObject({ code: '22023' });
    expect((await manager.rpc('cap_action', { offer: full, action: 'raise', reason: 'less', new_limit: 90 })).error).toMatchObject({ code: '22023' });
    expect((await manager.rpc('cap_action', { offer: full, action: 'reset', reason: 'nothing to reset' })).error).toMatchObject({ code: 'P0001' });
    expect(await sql`select 1 from public.cap_actions where offer_id = ${full}`).toHaveLength(0);
  });
});

describe('who may do what', () => {
  it('lets only affiliate managers and admins act on caps; buyers, finance and read-only members are refused, outsiders see no cap', async () => {
    for (const role of ['media_buyer', 'finance', 'read_only'] as const) {
      const refused = await sessions[role].rpc('cap_action', { offer: full, action: 'raise', reason: `by ${role}`, new_limit: 500 });
      expect(refused.error, role).toMatchObject({ code: '42501', message: 'Only affiliate managers and admins can act on caps' });
      expect((await sessions[role].rpc('cap_action', { offer: full, action: 'pause', reason: `by ${role}` })).error?.code).toBe('42501');
    }
    const foreign = await outsider.rpc('cap_action', { offer: full, action: 'raise', reason: 'theirs', new_limit: 500 });
    expect(foreign.error).toMatchObject({ code: 'P0002' });
    expect(await sql`select effective_limit::int as limit from public.cap_usage where offer_id = ${full}`).toEqual([{ limit: 100 }]);
    expect(await sql`select 1 from public.cap_actions where offer_id = ${full}`).toHaveLength(0);
  });

  it('lets every member read the workspace\'s usage and history, and nobody another workspace\'s', async () => {
    for (const role of roles) {
      const { data, error } = await sessions[role].from('cap_usage').select('offer_id').eq('workspace_id', ours.workspace);
      expect(error).toBeNull();
      expect(data).toHaveLength(2);
      expect((await sessions[role].from('cap_usage').select('offer_id').eq('workspace_id', theirs.workspace)).data).toEqual([]);
    }
    expect((await outsider.from('cap_usage').select('offer_id').eq('workspace_id', ours.workspace)).data).toEqual([]);
    expect((await outsider.rpc('caps_overview', { workspace: ours.workspace, at })).data).toEqual([]);
  });

  it('lets nobody write usage or history directly, not even an admin', async () => {
    for (const role of ['admin', 'affiliate_manager', 'media_buyer'] as const) {
      const session = sessions[role];
      const changed = await session.from('cap_usage').update({ used: 0, status: 'ok' }).eq('offer_id', full).select();
      expect(changed.error?.code, role).toBe('42501');
      const removed = await session.from('cap_usage').delete().eq('offer_id', full).select();
      expect(removed.error?.code, role).toBe('42501');
      const forged = await session.from('cap_actions').insert({ workspace_id: ours.workspace, offer_id: full, cap_policy_id: full, period_start: at, action: 'raise', reason: 'forged' });
      expect(forged.error?.code, role).toBe('42501');
    }
    expect(await sql`select used::int as used, status from public.cap_usage where offer_id = ${full}`).toEqual([{ used: 100, status: 'reached' }]);
  });
});

describe('caps_overview()', () => {
  it('lists the capped offers most urgent first, with the zone and local period the numbers count in', async () => {
    const { data, error } = await sessions.media_buyer.rpc('caps_overview', { workspace: ours.workspace, at });
    expect(error).toBeNull();
    expect(data).toEqual([
      expect.objectContaining({
        offer_code: 'FULL', program_name: 'Caps actions team program', metric: 'payout', period: 'day', time_zone: 'Europe/Moscow',
        period_start_local: '2026-03-16T00:00:00', period_end_local: '2026-03-17T00:00:00', used: 100, effective_limit: 100, percent: 100,
        status: 'reached', currency: 'USD', is_current: true,
      }),
      expect.objectContaining({ offer_code: 'BUSY', used: 85, percent: 85, status: 'warning' }),
    ]);
    const later = await sessions.media_buyer.rpc('caps_overview', { workspace: ours.workspace, at: '2026-03-17T12:00:00Z' });
    expect((later.data as { is_current: boolean }[]).map((r) => r.is_current)).toEqual([false, false]);
  });
});
