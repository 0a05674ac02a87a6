import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoWorkspaceId, loadDemoData } from '../../supabase/local/demoData.ts';
import { db, stack } from '../support/clients.ts';
import { utcDay } from '../support/days.ts';

const sql = db();
const dataDir = mkdtempSync(join(tmpdir(), 'arbidesk-demo-registry-'));
const days = 21;

beforeAll(async () => {
  await loadDemoData(stack.apiUrl, stack.anonKey, dataDir, days);
}, 180_000);

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe("npm start's demo offers registry", () => {
  it('has a program per affiliate network, with contacts, a contact log and a payout calendar', async () => {
    const programs = await sql`
      select p.name, p.payout_schedule,
        (select count(*)::int from public.affiliate_contacts c where c.program_id = p.id) as contacts,
        (select count(*)::int from public.program_contact_log l where l.program_id = p.id) as log,
        (select count(*)::int from public.program_payout_calendar(p.id)) as payouts
      from public.affiliate_programs p where p.workspace_id = ${demoWorkspaceId} order by p.name`;
    const networks = await sql`select distinct affiliate_network as name from public.tw_events where workspace_id = ${demoWorkspaceId} and is_active order by 1`;
    expect(programs.map((p) => p.name).sort()).toEqual(networks.map((n) => n.name).sort());
    for (const program of programs) expect(program, program.name).toMatchObject({ contacts: 1, log: 1, payouts: 6 });
  });

  it('has an offer per TW offer with the program TW names, all mapped but two, whose revenue stays visible', async () => {
    const twOffers = await sql`select distinct offer_id, affiliate_network from public.tw_events where workspace_id = ${demoWorkspaceId} and is_active`;
    const offers = await sql`
      select o.id, o.code, o.status, p.name as program,
        (select array_agg(m.tw_offer_id) from public.offer_mapping m where m.offer_id = o.id and m.is_active) as mapped
      from public.offers o left join public.affiliate_programs p on p.id = o.program_id
      where o.workspace_id = ${demoWorkspaceId} order by o.code`;
    expect(offers).toHaveLength(twOffers.length);
    for (const offer of offers) {
      const twOfferId = String(offer.code).replace(/-CPA$/, '').toLowerCase();
      expect(offer.program, offer.code).toBe(twOffers.find((t) => t.offer_id === twOfferId)?.affiliate_network);
    }
    const unmappedOffers = offers.filter((o) => o.mapped === null);
    expect(unmappedOffers).toHaveLength(2);
    const unmapped = await sql`select tw_offer_id, revenue from public.unmapped_tw_offers where workspace_id = ${demoWorkspaceId}`;
    expect(unmapped.map((u) => u.tw_offer_id).sort()).toEqual(unmappedOffers.map((o) => String(o.code).replace(/-CPA$/, '').toLowerCase()).sort());
    // Each unmapped offer's own TW offer is what the mapping suggestions put first.
    for (const offer of unmappedOffers) {
      const [best] = await sql`select tw_offer_id from public.suggest_offer_mappings(${offer.id}::uuid)`;
      expect(best?.tw_offer_id).toBe(String(offer.code).replace(/-CPA$/, '').toLowerCase());
    }
    expect(offers.filter((o) => o.status === 'paused')).toHaveLength(1);
  });

  it('has one rate change opened in the past by the admin, with the reason kept', async () => {
    const changed = await sql`
      select v.rate::float8 as rate, v.backdate_reason, v.valid_to, u.email
      from public.offer_versions v join auth.users u on u.id = v.author
      where v.workspace_id = ${demoWorkspaceId} and v.backdate_reason is not null`;
    expect(changed).toEqual([{ rate: 75, backdate_reason: expect.stringContaining('raised the rate'), valid_to: null, email: 'admin@demo.arbidesk.local' }]);
  });

  it("shows each program's revenue as the sum of its mapped offers' TW revenue", async () => {
    const from = utcDay(-days);
    const to = new Date().toISOString().slice(0, 10);
    const [expected] = await sql`
      select coalesce(sum(e.payout), 0)::float8 as revenue from public.tw_events e
      where e.workspace_id = ${demoWorkspaceId} and e.is_active and e.event_time::date between ${from}::date and ${to}::date
        and e.offer_id in (select m.tw_offer_id from public.offer_mapping m where m.workspace_id = ${demoWorkspaceId} and m.is_active)`;
    const [admin] = await sql`select user_id from public.workspace_members m join auth.users u on u.id = m.user_id where m.workspace_id = ${demoWorkspaceId} and u.email = 'admin@demo.arbidesk.local'`;
    const overview = await sql.begin(async (tx) => {
      await tx`select set_config('request.jwt.claims', ${JSON.stringify({ sub: admin?.user_id, role: 'authenticated' })}, true)`;
      await tx`set local role authenticated`;
      return tx`select revenue::float8 as revenue from public.program_overview(${demoWorkspaceId}::uuid, ${from}::date, ${to}::date)`;
    });
    const total = overview.reduce((sum, row) => sum + Number(row.revenue), 0);
    expect(total).toBeGreaterThan(0);
    expect(total).toBeCloseTo(Number(expected?.revenue), 2);
  });
});
