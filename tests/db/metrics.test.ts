import type { SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '../support/clients.ts';
import { upload } from '../support/etl.ts';
import { createUser, signIn } from '../support/users.ts';

const sql = db();
const ip = '198.51.100.32';
const ws = '30000000-0000-4000-8000-00000000b001';
let buyer: SupabaseClient;
let outsider: SupabaseClient;

/**
 * A small day of data whose metrics are computed by hand below:
 * offer o1: 2 registrations, 1 FTD ($40 payout, $100 deposit), 1 repeat deposit ($5, $50),
 *           1 chargeback (-$40); TW clicks 100; Moloco spend shared 100 % to o1 ($50, 5000
 *           impressions, 250 clicks, 20 installs).
 * offer o2 (KZ): 1 registration ($2), TW clicks 0 rows, spend $0.
 */
const conversions = `event_id,event_time,event_type,campaign_id,offer_id,geo,source,sub1,sub2,player_id,amount,payout,currency
r1,2026-04-01 08:00,registration,c1,o1,RU,moloco,n1,cr1,p1,,0,USD
r2,2026-04-01 09:00,registration,c1,o1,RU,moloco,n1,cr1,p2,,0,USD
f1,2026-04-01 10:00,first_deposit,c1,o1,RU,moloco,n1,cr1,p1,100,40,USD
d1,2026-04-01 11:00,deposit,c1,o1,RU,moloco,n1,cr1,p1,50,5,USD
cb1,2026-04-01 12:00,chargeback,c1,o1,RU,moloco,n1,cr1,p1,,-40,USD
r3,2026-04-01 13:00,registration,c2,o2,KZ,moloco,n2,cr2,p3,,2,USD
`;
const clicks = `date,campaign_id,offer_id,geo,source,sub1,clicks,unique_clicks
2026-04-01,c1,o1,RU,moloco,n1,100,90
`;
const spend = `Date,Campaign ID,Campaign,Ad Group ID,Ad Group,Creative ID,Creative,Country,Impressions,Clicks,Installs,Spend,Currency
2026-04-01,n1,RU,g1,G,cr1,C,RU,5000,250,20,50.00,USD
`;

beforeAll(async () => {
  await sql`insert into public.workspaces (id, name) values (${ws}, 'Metrics team')`;
  const user = await createUser(sql, 'metrics-buyer');
  const stranger = await createUser(sql, 'metrics-stranger');
  await sql`insert into public.workspace_members values (${ws}, ${user.id}, 'media_buyer')`;
  buyer = await signIn(user, ip);
  outsider = await signIn(stranger, ip);
  for (const [name, body] of [['conv.csv', conversions], ['clicks.csv', clicks], ['spend.csv', spend]] as const) {
    const { body: result } = await upload(buyer, ws, name, body);
    if (result.load.status !== 'done') throw new Error(`${name}: ${result.load.error_summary}`);
  }
});

afterAll(async () => {
  await sql`delete from public.workspaces where id = ${ws}`;
  await sql.end();
});

describe('metrics()', () => {
  it('computes every metric as by hand, with a totals row and nulls for division by zero', async () => {
    const { data, error } = await buyer.rpc('metrics', { workspace: ws, date_from: '2026-04-01', date_to: '2026-04-01', group_by: ['offer'] });
    expect(error).toBeNull();
    const [total, o1, o2] = data;
    expect(o1).toMatchObject({
      is_total: false, offer_id: 'o1', spend: 50, impressions: 5000, ad_clicks: 250, installs: 20, clicks: 100, unique_clicks: 90,
      registrations: 2, ftds: 1, deposits: 2, deposits_amount: 150, revenue: 5, chargebacks: 1, chargeback_amount: -40,
      profit: -45, roi: -0.9, ctr: 0.05, cr_click_reg: 0.02, cr_reg_ftd: 0.5, cpi: 2.5, cpa: 25, cost_per_ftd: 50, epc: 0.05, arpu: 5,
    });
    expect(o2).toMatchObject({
      is_total: false, offer_id: 'o2', spend: 0, registrations: 1, revenue: 2, profit: 2,
      roi: null, ctr: null, cr_click_reg: null, cr_reg_ftd: 0, cpi: null, cpa: 0, cost_per_ftd: null, epc: null, arpu: null,
    });
    expect(total).toMatchObject({ is_total: true, offer_id: null, spend: 50, registrations: 3, revenue: 7, profit: -43, roi: -0.86 });
  });

  it('groups by several dimensions and filters', async () => {
    const { data } = await buyer.rpc('metrics', {
      workspace: ws, date_from: '2026-04-01', date_to: '2026-04-30', group_by: ['date', 'geo'], filters: { geo: ['KZ'] },
    });
    expect(data.map((r: { is_total: boolean; date: string | null; geo: string | null; registrations: number }) => [r.is_total, r.date, r.geo, r.registrations]))
      .toEqual([[true, null, null, 1], [false, '2026-04-01', 'KZ', 1]]);
  });

  it('equals a straight aggregate over the active raw facts for random filters', async () => {
    const dims = ['campaign', 'offer', 'geo', 'network_campaign', 'creative'] as const;
    const column: Record<(typeof dims)[number], string> = { campaign: 'campaign_id', offer: 'offer_id', geo: 'geo', network_campaign: 'sub1', creative: 'sub2' };
    const values: Record<(typeof dims)[number], string[]> = { campaign: ['c1', 'c2'], offer: ['o1', 'o2'], geo: ['RU', 'KZ'], network_campaign: ['n1', 'n2'], creative: ['cr1', 'cr2'] };
    let seed = 7;
    const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    for (let i = 0; i < 12; i++) {
      const dim = dims[Math.floor(random() * dims.length)] ?? 'geo';
      const picked = values[dim].filter(() => random() < 0.6);
      const { data } = await buyer.rpc('metrics', { workspace: ws, date_from: '2026-04-01', date_to: '2026-04-01', filters: { [dim]: picked } });
      const [raw] = await sql.unsafe(
        `select count(*) filter (where event_type = 'registration')::int as registrations,
           count(*) filter (where event_type = 'first_deposit')::int as ftds,
           coalesce(sum(payout), 0)::float8 as revenue
         from public.tw_events where workspace_id = $1 and is_active and ${column[dim]} = any($2::text[])`,
        [ws, `{${picked.join(',')}}`],
      );
      expect({ dim, picked, ...data[0] }).toMatchObject({ dim, picked, registrations: raw?.registrations, ftds: raw?.ftds, revenue: raw?.revenue });
    }
  });

  it('refuses strangers, unknown dimensions and empty ranges with clear messages', async () => {
    const stranger = await outsider.rpc('metrics', { workspace: ws, date_from: '2026-04-01', date_to: '2026-04-01' });
    expect(stranger).toMatchObject({ status: 403, error: { code: '42501', message: 'You are not a member of this workspace' } });
    const dim = await buyer.rpc('metrics', { workspace: ws, date_from: '2026-04-01', date_to: '2026-04-01', group_by: ['colour'] });
    expect(dim.error?.message).toBe('Unknown dimension "colour": group by date, campaign, offer, geo, source, network_campaign or creative');
    const range = await buyer.rpc('metrics', { workspace: ws, date_from: '2026-04-02', date_to: '2026-04-01' });
    expect(range.error?.message).toBe('The date range 2026-04-02 – 2026-04-01 is empty: date_from must not be after date_to');
  });
});
