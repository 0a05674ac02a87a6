import type { SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '../support/clients.ts';
import { createUser, signIn } from '../support/users.ts';

/** KPI and cap policies as the offer card manages them: who writes, archive instead of delete, who uses what; GEO rates priced by payout_for(). */

const sql = db();
const ip = '198.51.100.187';
const ws = '40000000-0000-4000-8000-00000000e187';
const roles = ['admin', 'affiliate_manager', 'media_buyer', 'finance', 'read_only'] as const;
const sessions = {} as Record<(typeof roles)[number], SupabaseClient>;
let manager: SupabaseClient;

async function kpiPolicy(name: string, requirements: Record<string, unknown> = {}): Promise<string> {
  const { data, error } = await manager.from('kpi_policies').insert({ workspace_id: ws, name, requirements }).select('id').single();
  expect(error).toBeNull();
  return (data as { id: string }).id;
}

async function capPolicy(name: string, capLimit = 10): Promise<string> {
  const { data, error } = await manager.from('cap_policies').insert({ workspace_id: ws, name, cap_limit: capLimit }).select('id').single();
  expect(error).toBeNull();
  return (data as { id: string }).id;
}

async function createOffer(code: string, extra: Record<string, unknown> = {}) {
  return manager.rpc('create_offer', { workspace: ws, code, name: `${code} offer`, valid_from: '2026-01-01T00:00:00Z', rate: 10, currency: 'USD', ...extra });
}

beforeAll(async () => {
  await sql`insert into public.workspaces (id, name) values (${ws}, 'Policies team')`;
  for (const role of roles) {
    const person = await createUser(sql, `policies-${role}`);
    await sql`insert into public.workspace_members values (${ws}, ${person.id}, ${role})`;
    sessions[role] = await signIn(person, ip);
  }
  manager = sessions.affiliate_manager;
});

afterAll(async () => {
  await sql`delete from public.workspaces where id = ${ws}`;
  await sql`delete from auth.users where email like 'policies-%'`;
  await sql.end();
});

describe('who writes policies', () => {
  it('lets affiliate managers and admins add, change, archive and delete; the others read and are refused', async () => {
    for (const role of roles) {
      const session = sessions[role];
      const writer = role === 'affiliate_manager' || role === 'admin';
      const added = await session.from('cap_policies').insert({ workspace_id: ws, name: `By ${role}`, cap_limit: 5 }).select('id');
      expect(added.error?.code ?? null).toBe(writer ? null : '42501');
      const target = await capPolicy(`Target of ${role}`);
      const changed = await session.from('cap_policies').update({ cap_limit: 7, archived_at: new Date().toISOString() }).eq('id', target).select('id');
      expect(changed).toMatchObject({ error: null, data: writer ? [{ id: target }] : [] });
      const removed = await session.from('cap_policies').delete().eq('id', target).select('id');
      expect(removed).toMatchObject({ error: null, data: writer ? [{ id: target }] : [] });
      const read = await session.from('cap_policies').select('name').eq('workspace_id', ws);
      expect(read.error).toBeNull();
      expect((read.data ?? []).length).toBeGreaterThan(0);
    }
    expect(await sql`select name, cap_limit from public.cap_policies where workspace_id = ${ws} and name like 'Target of%' order by name`).toEqual([
      { name: 'Target of finance', cap_limit: 10 },
      { name: 'Target of media_buyer', cap_limit: 10 },
      { name: 'Target of read_only', cap_limit: 10 },
    ]);
  });

  it('refuses a second policy of a kind with the same name, whatever its case', async () => {
    await kpiPolicy('Strict KPI');
    const again = await manager.from('kpi_policies').insert({ workspace_id: ws, name: 'strict kpi' });
    expect(again.error).toMatchObject({ code: '23505' });
    expect(again.error?.message).toMatch(/kpi_policies_name_idx/);
  });
});

describe('archiving instead of deleting', () => {
  it('refuses to delete a policy that terms used, naming the offers, and deletes an unused one', async () => {
    const used = await capPolicy('Used cap');
    const unused = await capPolicy('Unused cap');
    expect((await createOffer('CAP-B', { cap_policy_id: used })).error).toBeNull();
    expect((await createOffer('CAP-A', { cap_policy_id: used })).error).toBeNull();
    const refused = await manager.from('cap_policies').delete().eq('id', used).select('id');
    expect(refused.error).toMatchObject({ code: 'PL002', message: 'Policy Used cap is used by the terms of offers CAP-A, CAP-B: archive it instead' });
    expect(await manager.from('cap_policies').delete().eq('id', unused).select('id')).toMatchObject({ error: null, data: [{ id: unused }] });
  });

  it('keeps an archived policy off new offers but lets an offer that used it keep it in its next version', async () => {
    const kpi = await kpiPolicy('Retired KPI', { min_reg_to_ftd: 0.1 });
    const { data: offer, error } = await createOffer('KEEPS-KPI', { kpi_policy_id: kpi });
    expect(error).toBeNull();
    expect((await manager.from('kpi_policies').update({ archived_at: new Date().toISOString() }).eq('id', kpi).select('id')).error).toBeNull();

    const fresh = await createOffer('NEW-KPI', { kpi_policy_id: kpi });
    expect(fresh.error).toMatchObject({ code: 'PL001', message: 'KPI policy Retired KPI is archived: restore it before attaching it to new terms' });
    expect(await sql`select 1 from public.offers where workspace_id = ${ws} and code = 'NEW-KPI'`).toHaveLength(0);

    const next = await manager.rpc('open_offer_version', { offer: (offer as { id: string }).id, valid_from: '2026-03-01T00:00:00Z', rate: 12, currency: 'USD', kpi_policy_id: kpi });
    expect(next.error).toBeNull();

    expect((await manager.from('kpi_policies').update({ archived_at: null }).eq('id', kpi).select('id')).error).toBeNull();
    expect((await createOffer('NEW-KPI', { kpi_policy_id: kpi })).error).toBeNull();
  });
});

describe('policy_offers()', () => {
  it('lists the offers each policy serves, saying whether terms use it now or only did', async () => {
    const cap = await capPolicy('Shared cap');
    const { data: current } = await createOffer('SHARED-NOW', { cap_policy_id: cap });
    const { data: past } = await createOffer('SHARED-PAST', { cap_policy_id: cap });
    expect((await manager.rpc('open_offer_version', { offer: (past as { id: string }).id, valid_from: '2026-02-01T00:00:00Z', rate: 11, currency: 'USD' })).error).toBeNull();

    const { data, error } = await sessions.read_only.rpc('policy_offers', { workspace: ws });
    expect(error).toBeNull();
    const rows = (data as { kind: string; policy_id: string; offer_id: string; code: string; in_force: boolean; versions: number }[]).filter((r) => r.policy_id === cap);
    expect(rows).toEqual([
      expect.objectContaining({ kind: 'caps', offer_id: (current as { id: string }).id, code: 'SHARED-NOW', in_force: true, versions: 1 }),
      expect.objectContaining({ kind: 'caps', offer_id: (past as { id: string }).id, code: 'SHARED-PAST', in_force: false, versions: 1 }),
    ]);

    const outsider = await createUser(sql, 'policies-outsider');
    const { data: none } = await (await signIn(outsider, ip)).rpc('policy_offers', { workspace: ws });
    expect(none).toEqual([]);
  });
});

describe('GEO rates as the terms forms send them', () => {
  it('prices each GEO at its own rate and currency, the others at the version rate', async () => {
    const { data, error } = await createOffer('GEO-RATES', { geos: ['RU'], geo_rates: { DE: 12.5, KZ: { rate: 3000, currency: 'kzt' } } });
    expect(error).toBeNull();
    const offer = (data as { id: string }).id;
    const price = async (geo: string) => {
      const { data: rows, error: failed } = await sessions.finance.rpc('payout_for', { workspace: ws, offer_ref: offer, geo, at: '2026-02-01T00:00:00Z' });
      expect(failed).toBeNull();
      return (rows as { rate: number; currency: string }[]).map((r) => ({ rate: Number(r.rate), currency: r.currency }));
    };
    expect(await price('RU')).toEqual([{ rate: 10, currency: 'USD' }]);
    expect(await price('de')).toEqual([{ rate: 12.5, currency: 'USD' }]);
    expect(await price('KZ')).toEqual([{ rate: 3000, currency: 'KZT' }]);
    expect(await price('FR')).toEqual([]);
  });
});
