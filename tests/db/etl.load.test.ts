import type { SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeWindows1251 } from '../../supabase/local/demo/textFile.ts';
import { db } from '../support/clients.ts';
import { upload, uploadDone } from '../support/etl.ts';
import { createUser, signIn, type TestUser } from '../support/users.ts';

const sql = db();
const ip = '198.51.100.31';
let buyerUser: TestUser;
let viewerUser: TestUser;
let buyer: SupabaseClient;
let viewer: SupabaseClient;
const teams: string[] = [];

/**
 * A workspace of one test's own, with the buyer and the viewer: its loads, events, clicks and
 * totals are only what that test loads, whatever ran before it.
 */
async function etlTeam(name: string): Promise<string> {
  const [row] = await sql<{ id: string }[]>`insert into public.workspaces (name) values (${name}) returning id`;
  if (!row) throw new Error('no workspace');
  teams.push(row.id);
  await sql`insert into public.workspace_members values (${row.id}, ${buyerUser.id}, 'media_buyer'), (${row.id}, ${viewerUser.id}, 'read_only')`;
  return row.id;
}

/** Active conversions of the workspace: event id → payout. */
async function activeEvents(workspace: string): Promise<Record<string, string>> {
  const rows = await sql`select event_id, payout from public.tw_events where workspace_id = ${workspace} and is_active order by event_id`;
  return Object.fromEntries(rows.map((r) => [r.event_id, r.payout]));
}

async function dayTotals(workspace: string) {
  return sql`select date::text as day, sum(registrations)::int as registrations, sum(ftds)::int as ftds, sum(revenue)::text as revenue
    from public.daily_metrics where workspace_id = ${workspace} group by date order by date`;
}

const conversions = [
  '\ufeffevent_id;event_time;event_type;campaign_id;campaign_name;offer_id;geo;source;sub1;sub2;player_id;amount;payout;currency',
  'e1;2026-03-01 10:00:00;registration;c1;Кампания 🚀;o1;RU;moloco;n1;cr1;p1;;1,50;USD',
  'e2;01.03.2026;first_deposit;c1;Кампания 🚀;o1;RU;moloco;n1;cr1;p1;100,00;40;USD',
  'e3;2026-03-01T12:00:00+03:00;deposit;c1;"Кампания; с точкой с запятой";o1;RU;moloco;n1;cr1;p1;"1 250,50";12.5.0;USD',
  ';2026-03-01;registration;c1;x;o1;RU;moloco;n1;cr1;p2;;1;USD',
  'e5;2026-03-02 09:00;refund;c1;x;o1;RU;moloco;n1;cr1;p3;;1;USD',
  'e6;2026-03-02 10:00;registration;c2;"Многострочное',
  'имя";o2;KZ;moloco;n2;cr2;p4;;2;USD',
  '',
].join('\r\n');

/** A re-export of conversions.csv's period: e2 corrected, e7 new (twice, the last row wins). */
const corrected = 'event_id,event_time,event_type,campaign_id,offer_id,geo,payout,currency\ne2,2026-03-01,first_deposit,c1,o1,RU,45.00,USD\ne7,2026-03-03,registration,c1,o1,RU,1.00,USD\ne7,2026-03-03,registration,c1,o1,RU,1.25,USD\n';

/** A conversions file with only event_id and payout of its required columns. */
const lackingColumns = 'event_id,payout\nx1,1\n';

/** TrafficWave clicks as it exports them: Windows-1251, Russian headers; o1 and o3 share n1's clicks 120 : 80. */
const clicksExport = encodeWindows1251('Дата;ID кампании;Оффер;Гео;Источник;SubID1;Клики;Уникальные клики\r\n01.03.2026;c1;o1;RU;moloco;n1;120;100\r\n01.03.2026;c1;o3;RU;moloco;n1;80;70\r\n');

beforeAll(async () => {
  buyerUser = await createUser(sql, 'etl-buyer');
  viewerUser = await createUser(sql, 'etl-viewer');
  buyer = await signIn(buyerUser, ip);
  viewer = await signIn(viewerUser, ip);
});

afterAll(async () => {
  if (teams.length) await sql`delete from public.workspaces where id in ${sql(teams)}`;
  await sql.end();
});

describe('loading TrafficWave conversions', () => {
  it('takes every good row of a messy file and reports each bad one with its line and reason', async () => {
    const ws = await etlTeam('ETL messy file team');
    const { status, body } = await upload(buyer, ws, 'conversions.csv', conversions);
    const firstLoad = body.load.id;
    expect(status).toBe(200);
    expect(body.load).toMatchObject({ source: 'tw_events', status: 'done', rows_read: '6', rows_accepted: '3', rows_rejected: '3', rows_superseded: '0' });
    expect(body.errors.map((e) => e.message)).toEqual([
      "line 4: column `payout`: '12.5.0' is not a number",
      'line 5: column `event_id`: is empty, but a value is required',
      expect.stringMatching(/^line 6: column `event_type`: 'refund' is not/),
    ]);
    expect(await activeEvents(ws)).toEqual({ e1: '1.50', e2: '40.00', e6: '2.00' });
    const [e6] = await sql`select campaign_name, geo from public.tw_events where workspace_id = ${ws} and event_id = 'e6'`;
    expect(e6).toEqual({ campaign_name: 'Многострочное\nимя', geo: 'KZ' });
    const stored = await sql`select line, column_name, value from public.etl_load_errors where load_id = ${firstLoad} order by line`;
    expect(stored.map((r) => [Number(r.line), r.column_name, r.value])).toEqual([[4, 'payout', '12.5.0'], [5, 'event_id', ''], [6, 'event_type', 'refund']]);
    // Each rejected row keeps its fields as read (quotes undone), and the load its header, for a
    // rejected-rows file that can be fixed and uploaded again.
    const [kept] = await sql`select record from public.etl_load_errors where load_id = ${firstLoad} and line = 4`;
    expect(kept?.record).toEqual(['e3', '2026-03-01T12:00:00+03:00', 'deposit', 'c1', 'Кампания; с точкой с запятой', 'o1', 'RU', 'moloco', 'n1', 'cr1', 'p1', '1 250,50', '12.5.0', 'USD']);
    const [load] = await sql`select file_columns from public.etl_loads where id = ${firstLoad}`;
    expect(load?.file_columns).toEqual(['event_id', 'event_time', 'event_type', 'campaign_id', 'campaign_name', 'offer_id', 'geo', 'source', 'sub1', 'sub2', 'player_id', 'amount', 'payout', 'currency']);
    expect(await dayTotals(ws)).toEqual([
      { day: '2026-03-01', registrations: 1, ftds: 1, revenue: '41.50' },
      { day: '2026-03-02', registrations: 1, ftds: 0, revenue: '2.00' },
    ]);
  });

  it('recognises the same file sent again and changes nothing', async () => {
    const ws = await etlTeam('ETL duplicate team');
    const first = await upload(buyer, ws, 'conversions.csv', conversions);
    expect(first.body.load.status).toBe('done');
    const before = await activeEvents(ws);
    const { status, body } = await upload(buyer, ws, 'conversions (1).csv', conversions);
    expect(status).toBe(200);
    expect(body.load).toMatchObject({ status: 'duplicate', duplicate_of: first.body.load.id });
    expect(body.load.error_summary).toContain('"conversions.csv"');
    expect(await activeEvents(ws)).toEqual(before);
  });

  it('an overlapping re-export with corrections supersedes the old rows, which stay inactive', async () => {
    const ws = await etlTeam('ETL re-export team');
    await uploadDone(buyer, ws, 'conversions.csv', conversions);
    const { body } = await upload(buyer, ws, 'corrected.csv', corrected);
    expect(body.load).toMatchObject({ status: 'done', rows_accepted: '3', rows_superseded: '1' });
    // Within one file the last row of a key wins.
    expect(await activeEvents(ws)).toEqual({ e1: '1.50', e2: '45.00', e6: '2.00', e7: '1.25' });
    const history = await sql`select payout, is_active from public.tw_events where workspace_id = ${ws} and event_id = 'e2' order by payout`;
    expect(history).toEqual([{ payout: '40.00', is_active: false }, { payout: '45.00', is_active: true }]);

    const rolledBack = await buyer.rpc('rollback_load', { load_id: body.load.id });
    expect(rolledBack.data).toMatchObject({ status: 'rolled_back' });
    expect(await activeEvents(ws)).toEqual({ e1: '1.50', e2: '40.00', e6: '2.00' });
    expect((await dayTotals(ws)).map((d) => d.day)).toEqual(['2026-03-01', '2026-03-02']);

    const again = await buyer.rpc('rollback_load', { load_id: body.load.id });
    expect(again.error).toMatchObject({ message: 'Only an applied load can be rolled back; this one is rolled_back', hint: 'Re-apply it instead.' });
    const reapplied = await buyer.rpc('reapply_load', { load_id: body.load.id });
    expect(reapplied.data).toMatchObject({ status: 'done' });
    expect(await activeEvents(ws)).toEqual({ e1: '1.50', e2: '45.00', e6: '2.00', e7: '1.25' });
    expect(await dayTotals(ws)).toEqual([
      { day: '2026-03-01', registrations: 1, ftds: 1, revenue: '46.50' },
      { day: '2026-03-02', registrations: 1, ftds: 0, revenue: '2.00' },
      { day: '2026-03-03', registrations: 1, ftds: 0, revenue: '1.25' },
    ]);
  });

  it('refuses a file without the required columns, naming them, and changes nothing', async () => {
    const ws = await etlTeam('ETL wrong file team');
    await uploadDone(buyer, ws, 'conversions.csv', conversions);
    const before = await activeEvents(ws);
    const { status, body } = await upload(buyer, ws, 'wrong.csv', lackingColumns, { source: 'tw_events' });
    expect(status).toBe(422);
    expect(body.load.status).toBe('failed');
    expect(body.load.error_summary).toMatch(/lacks required columns for tw_events: event_time, event_type, campaign_id, offer_id/);
    expect(await activeEvents(ws)).toEqual(before);
  });

  it('lets read-only members see loads but not upload or roll back', async () => {
    // A workspace's history of loads: applied, recognised again, applied, refused.
    const ws = await etlTeam('ETL history team');
    const first = await upload(buyer, ws, 'conversions.csv', conversions);
    const firstLoad = first.body.load.id;
    await upload(buyer, ws, 'conversions (1).csv', conversions);
    await uploadDone(buyer, ws, 'corrected.csv', corrected);
    await upload(buyer, ws, 'wrong.csv', lackingColumns, { source: 'tw_events' });

    const denied = await upload(viewer, ws, 'viewer.csv', conversions);
    expect(denied.status).toBe(403);
    const rollback = await viewer.rpc('rollback_load', { load_id: firstLoad });
    expect(rollback.error).toMatchObject({ code: '42501', message: 'Only media buyers and admins can change loads' });
    const loads = await viewer.from('etl_loads').select('file_name, status').eq('workspace_id', ws).order('seq');
    expect(loads.data?.map((l) => l.status)).toEqual(['done', 'duplicate', 'done', 'failed']);
  });
});

describe('loading clicks and spend', () => {
  it('reads a Windows-1251 clicks export with Russian headers', async () => {
    const ws = await etlTeam('ETL clicks team');
    const { body } = await upload(buyer, ws, 'клики.csv', clicksExport);
    expect(body.errors).toEqual([]);
    expect(body.load.error_summary).toBeNull();
    expect(body.load).toMatchObject({ source: 'tw_clicks', status: 'done', rows_accepted: '2', rows_rejected: '0' });
    const clicks = await sql`select offer_id, clicks::int, unique_clicks::int from public.tw_clicks where workspace_id = ${ws} and is_active order by offer_id`;
    expect(clicks).toEqual([{ offer_id: 'o1', clicks: 120, unique_clicks: 100 }, { offer_id: 'o3', clicks: 80, unique_clicks: 70 }]);
  });

  it("loads Moloco's report and shares spend among offers by TW clicks", async () => {
    const ws = await etlTeam('ETL spend team');
    const clicks = await upload(buyer, ws, 'клики.csv', clicksExport);
    expect(clicks.body.load.status).toBe('done');
    const moloco = 'Date,Campaign ID,Campaign,Ad Group ID,Ad Group,Creative ID,Creative,Country,Impressions,Clicks,Installs,Spend,Currency\n' +
      '2026-03-01,n1,Moloco RU,g1,Group,cr1,Video,RU,10000,500,50,100.00,USD\n' +
      '2026-03-01,n9,Orphan,g1,Group,cr9,Video,RU,1000,10,1,7.00,USD\n';
    const { body } = await upload(buyer, ws, 'moloco.csv', moloco);
    expect(body.load).toMatchObject({ source: 'ad_spend', status: 'done', rows_accepted: '2' });
    const byOffer = await sql`select offer_id, round(sum(spend), 2)::text as spend, round(sum(installs), 2)::text as installs
      from public.daily_metrics where workspace_id = ${ws} and date = '2026-03-01' and spend > 0 group by offer_id order by offer_id`;
    // n1's $100 follows the clicks (120 : 80); n9 has no TW clicks and stays unattributed.
    expect(byOffer).toEqual([
      { offer_id: '', spend: '7.00', installs: '1.00' },
      { offer_id: 'o1', spend: '60.00', installs: '30.00' },
      { offer_id: 'o3', spend: '40.00', installs: '20.00' },
    ]);
  });
});
