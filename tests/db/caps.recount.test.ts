import type { SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '../support/clients.ts';
import { addEvents, capTeam, cappedOffer, dropTeams, usageOf, type CapTeam } from '../support/caps.ts';
import { createUser, signIn, type TestUser } from '../support/users.ts';

/**
 * Cap usage follows the registry the moment it changes (20261209140000): a limit lowered by
 * the affiliate manager, a mapping removed, a cap taken off the terms, a program moved to
 * another zone — with no refresh called and no cron run waited for. Lifetime caps over facts
 * of 2020 keep the counts independent of today's date; the zone case compares the period to
 * the start of the recount's own day in the new zone.
 */

const sql = db();
const ip = '198.51.100.171';
const teams: CapTeam[] = [];
let managerUser: TestUser;
let manager: SupabaseClient;

async function team(name: string, zone = 'UTC'): Promise<CapTeam> {
  const created = await capTeam(sql, name, zone);
  teams.push(created);
  return created;
}

const june2020 = (n: number, twOfferId: string) =>
  Array.from({ length: n }, (_, i) => ({ time: `2020-06-01T${String(10 + i).padStart(2, '0')}:00:00Z`, twOfferId }));

beforeAll(async () => {
  managerUser = await createUser(sql, 'caps-recount-manager');
  manager = await signIn(managerUser, ip);
});

afterAll(async () => {
  await dropTeams(sql, teams);
  await sql`delete from auth.users where id = ${managerUser.id}`;
  await sql.end();
});

describe('cap usage follows the registry at once', () => {
  it('counts an offer as soon as its mapping exists, and a lower limit set through the API is reached on saving, with its alert', async () => {
    const t = await team('Caps recount limit');
    await sql`insert into public.workspace_members values (${t.workspace}, ${managerUser.id}, 'affiliate_manager')`;
    await addEvents(sql, t, june2020(4, 'rc-limit'));
    const { offer, policy } = await cappedOffer(sql, t, 'RC-LIMIT', { cap_limit: 10, period: 'lifetime' });
    expect(await usageOf(sql, offer)).toEqual([expect.objectContaining({ used: 4, effective_limit: 10, status: 'ok' })]);

    const lowered = await manager.from('cap_policies').update({ cap_limit: 4 }).eq('id', policy).select('cap_limit');
    expect(lowered.error).toBeNull();
    expect(await usageOf(sql, offer)).toEqual([expect.objectContaining({ used: 4, effective_limit: 4, status: 'reached' })]);
    const firing = await sql`select kind, status from public.alerts where workspace_id = ${t.workspace} and subject_id = ${offer}::text and status = 'firing'`;
    expect(firing.map((a) => a.kind)).toContain('cap_reached');

    expect((await manager.from('cap_policies').update({ cap_limit: 100 }).eq('id', policy)).error).toBeNull();
    expect(await usageOf(sql, offer)).toEqual([expect.objectContaining({ used: 4, effective_limit: 100, status: 'ok' })]);
    const still = await sql`select 1 from public.alerts where workspace_id = ${t.workspace} and subject_id = ${offer}::text and kind = 'cap_reached' and status = 'firing'`;
    expect(still).toHaveLength(0);
  });

  it('stops counting facts whose mapping is removed, and drops the row when the capped terms end', async () => {
    const t = await team('Caps recount mapping');
    await addEvents(sql, t, june2020(3, 'rc-map'));
    const { offer } = await cappedOffer(sql, t, 'RC-MAP', { cap_limit: 10, period: 'lifetime' });
    expect((await usageOf(sql, offer))[0]?.used).toBe(3);

    await sql`delete from public.offer_mapping where offer_id = ${offer}`;
    expect(await usageOf(sql, offer)).toEqual([expect.objectContaining({ used: 0, status: 'ok' })]);

    // Terms are never edited in place: the capped version ends, and nothing is in force after it.
    await sql`update public.offer_versions set valid_to = '2021-01-01T00:00:00Z' where offer_id = ${offer}`;
    expect(await usageOf(sql, offer)).toEqual([]);
  });

  it('starts the day at the new zone\'s midnight when the program moves to another time zone', async () => {
    const t = await team('Caps recount zone', 'UTC');
    const { offer } = await cappedOffer(sql, t, 'RC-ZONE', { cap_limit: 10, period: 'day' });
    expect((await usageOf(sql, offer))[0]?.time_zone).toBe('UTC');

    await sql`update public.affiliate_programs set time_zone = 'Asia/Tokyo' where id = ${t.program}`;
    const [row] = await sql<{ time_zone: string; starts_at_tokyo_midnight: boolean }[]>`
      select time_zone, period_start = date_trunc('day', as_of at time zone 'Asia/Tokyo') at time zone 'Asia/Tokyo' as starts_at_tokyo_midnight
      from public.cap_usage where offer_id = ${offer}`;
    expect(row).toEqual({ time_zone: 'Asia/Tokyo', starts_at_tokyo_midnight: true });
  });

  it('counts every offer capped in one transaction once it commits', async () => {
    const t = await team('Caps recount bulk');
    const codes = Array.from({ length: 8 }, (_, i) => `RC-BULK-${i}`);
    await addEvents(sql, t, codes.flatMap((code, i) => june2020(i + 1, code.toLowerCase())));
    const [cap] = await sql<{ id: string }[]>`insert into public.cap_policies (workspace_id, name, cap_limit, period) values (${t.workspace}, 'Bulk cap', 50, 'lifetime') returning id`;
    const offers = await sql.begin(async (tx) => {
      const ids: string[] = [];
      for (const code of codes) {
        const [o] = await tx<{ id: string }[]>`insert into public.offers (workspace_id, code, name, program_id) values (${t.workspace}, ${code}, ${code}, ${t.program}) returning id`;
        await tx`insert into public.offer_versions (workspace_id, offer_id, valid_from, rate, currency, cap_policy_id) values (${t.workspace}, ${o!.id}, '2020-01-01T00:00:00Z', 10, 'USD', ${cap!.id})`;
        await tx`insert into public.offer_mapping (workspace_id, offer_id, tw_offer_id) values (${t.workspace}, ${o!.id}, ${code.toLowerCase()})`;
        ids.push(o!.id);
      }
      // Nothing is counted before the commit: the recount waits for every row to be in place.
      const [{ n } = { n: -1 }] = await tx<{ n: number }[]>`select count(*)::int as n from public.cap_usage where workspace_id = ${t.workspace}`;
      expect(n).toBe(0);
      return ids;
    });
    const used = [];
    for (const offer of offers) used.push((await usageOf(sql, offer))[0]?.used);
    expect(used).toEqual(codes.map((_, i) => i + 1));
  });
});
